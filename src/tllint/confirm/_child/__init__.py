"""The confirm child: runs one user script in a sandbox and logs what Keras does.

The parent never imports this package. `runner.py` starts `python _child/__main__.py CONFIG.json`,
and `__main__` loads this folder as `tllint-confirm-child`, a name no `import` statement can spell, with
the folder itself off `sys.path`: a user's `sandbox.py` or `events.py` beside the script can neither
replace one of these modules nor be replaced by one.

Every module here imports only the standard library and its siblings at module level; numpy, Keras
and TensorFlow are imported inside functions that run after `sandbox.install()`.

Modules: config (the parent's JSON), events (the event log), sandbox (network and file system),
patching (aliases, post-import hooks), state, observations (tensors, losses, labels), capping (few
batches per call), synthetic (data for missing folders), backbones, trainable, compiling, dense,
steps, training (fit, train_on_batch), inference (evaluate, predict), loaders, writers (library
writers redirected), keras3 (wires the Keras families together), main.
"""

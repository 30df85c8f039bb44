"""Library writers that bypass Python's `open` (C++, HDF5, graphviz, OpenCV): their paths go through
`sandbox.redirect_save`. Keras saving, TensorBoard and plot_model; TensorFlow, h5py and cv2 writers."""

from __future__ import annotations

from .events import emit
from .patching import replace_everywhere
from .sandbox import redirect_save


def install_keras(Model) -> None:
    orig_save = Model.save
    orig_save_weights = Model.save_weights
    orig_export = getattr(Model, "export", None)

    def save(self, filepath, *args, **kwargs):
        return orig_save(self, redirect_save(filepath), *args, **kwargs)

    def save_weights(self, filepath, *args, **kwargs):
        return orig_save_weights(self, redirect_save(filepath), *args, **kwargs)

    Model.save = save
    Model.save_weights = save_weights
    if orig_export is not None:
        def export(self, filepath, *args, **kwargs):
            return orig_export(self, redirect_save(filepath), *args, **kwargs)

        Model.export = export

    try:
        from keras.src.callbacks.tensorboard import TensorBoard

        orig_tb_init = TensorBoard.__init__

        def tb_init(self, log_dir="logs", *args, **kwargs):
            return orig_tb_init(self, redirect_save(log_dir, force=True), *args, **kwargs)

        TensorBoard.__init__ = tb_init
    except Exception as exc:  # noqa: BLE001
        emit("instrumentation_error", where="TensorBoard", error=repr(exc))

    try:
        from keras.src.utils import model_visualization

        orig_plot = model_visualization.plot_model

        def plot_model(model, to_file="model.png", *args, **kwargs):
            return orig_plot(model, redirect_save(to_file), *args, **kwargs)  # graphviz writes natively

        replace_everywhere(orig_plot, plot_model)
    except Exception as exc:  # noqa: BLE001
        emit("instrumentation_error", where="plot_model", error=repr(exc))


def install_tf(tf_module):
    """Redirect TensorFlow's own writers (C++ file I/O does not go through Python's open)."""
    import tensorflow as tf

    def wrap_path(fn, index=0, force=False):
        def wrapper(*args, **kwargs):
            args = list(args)
            if len(args) > index:
                args[index] = redirect_save(args[index], force)
            return fn(*args, **kwargs)

        return wrapper

    targets = []
    try:
        targets += [(tf.io.write_file, 0), (tf.summary.create_file_writer, 0), (tf.saved_model.save, 1)]
        targets += [(tf.io.gfile.makedirs, 0), (tf.io.gfile.mkdir, 0), (tf.io.gfile.remove, 0), (tf.io.gfile.rmtree, 0)]
    except Exception:  # noqa: BLE001
        pass
    for fn, index in targets:
        try:
            replace_everywhere(fn, wrap_path(fn, index))
        except Exception:  # noqa: BLE001
            pass
    try:
        GFile = tf.io.gfile.GFile
        orig_init = GFile.__init__

        def gfile_init(self, name, mode="r"):
            if any(c in mode for c in "wa+"):
                name = redirect_save(name)
            return orig_init(self, name, mode)

        GFile.__init__ = gfile_init
    except Exception:  # noqa: BLE001
        pass
    try:
        Checkpoint = tf.train.Checkpoint
        for meth in ("save", "write"):
            orig = getattr(Checkpoint, meth)

            def ck(self, file_prefix, *args, _orig=orig, **kwargs):
                return _orig(self, redirect_save(file_prefix), *args, **kwargs)

            setattr(Checkpoint, meth, ck)
    except Exception:  # noqa: BLE001
        pass


def install_h5py(h5py):
    orig_init = h5py.File.__init__

    def init(self, name, mode="r", *args, **kwargs):
        if isinstance(mode, str) and mode not in ("r",):
            name = redirect_save(name)
        return orig_init(self, name, mode, *args, **kwargs)

    h5py.File.__init__ = init


def install_cv2(cv2):
    orig = getattr(cv2, "imwrite", None)
    if orig is None:
        return

    def imwrite(filename, *args, **kwargs):
        return orig(redirect_save(filename), *args, **kwargs)

    cv2.imwrite = imwrite

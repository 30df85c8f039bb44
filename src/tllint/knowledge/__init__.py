"""Static knowledge about Keras (plain data; nothing here imports TensorFlow or Keras)."""

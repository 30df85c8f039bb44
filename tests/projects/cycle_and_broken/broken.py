import tensorflow as tf

def augment(ds:
    return ds

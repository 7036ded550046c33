# Writes keras-h5py-layout.h5 the way tf.keras' model.save("x.h5") lays out weights, through h5py and so the
# HDF5 C library, as real Keras files are (the Java tests otherwise only read files that jhdf itself wrote).
# Run with: python3 keras-h5py-layout.py   (needs h5py and numpy; no Keras)
import h5py
import numpy as np

layers = {
    "input_1": {},
    "conv1": {"conv1/kernel:0": np.arange(2 * 2 * 3 * 4, dtype=np.float32).reshape(2, 2, 3, 4) * 0.5},
    "Conv/BatchNorm": {
        "Conv/BatchNorm/gamma:0": np.full(4, 1.5, dtype=np.float32),
        "Conv/BatchNorm/beta:0": np.zeros(4, dtype=np.float32),
        "Conv/BatchNorm/moving_mean:0": np.array([0.25, 0.5, 0.75, 1.0], dtype=np.float64),
        "Conv/BatchNorm/moving_variance:0": np.ones(4, dtype=np.float32),
    },
    "predictions": {"predictions/kernel:0": np.ones((4, 3), dtype=np.float32)},
}

with h5py.File("keras-h5py-layout.h5", "w") as f:
    f.attrs["keras_version"] = b"2.15.0"
    f.attrs["backend"] = b"tensorflow"
    f.attrs["model_config"] = b'{"class_name": "Functional", "config": {"name": "fixture"}}'
    weights = f.create_group("model_weights")
    weights.attrs["layer_names"] = [name.encode("utf8") for name in layers]
    for layer, tensors in layers.items():
        group = weights.create_group(layer)
        # as Keras does: np.asarray of a list of bytes; an empty list becomes an empty float64 array
        group.attrs["weight_names"] = np.asarray([name.encode("utf8") for name in tensors])
        for name, value in tensors.items():
            dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
            dataset[:] = value

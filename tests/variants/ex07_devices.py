from tests.variants import Variant

E = "ex07_devices"
VARIANTS = [
    Variant(E, "elementwise_product", "return tf.matmul(a, b)", "return a * b", "tf.matmul"),
    Variant(
        E, "numpy_product", "return tf.matmul(a, b)", "return a.numpy() @ b.numpy()", "NumPy 배열"
    ),
    Variant(
        E,
        "full_device_name",
        "return tf.DeviceSpec.from_string(t.device).device_type",
        "return t.device",
        "전체 장치 이름",
    ),
    Variant(
        E,
        "lowercase_kind",
        "return tf.DeviceSpec.from_string(t.device).device_type",
        "return tf.DeviceSpec.from_string(t.device).device_type.lower()",
        "대문자",
    ),
    Variant(
        E,
        "lists_every_device",
        'tf.config.list_logical_devices("GPU")',
        "tf.config.list_logical_devices()",
        "GPU만",
    ),
    Variant(
        E,
        "device_objects_not_names",
        'return [device.name for device in tf.config.list_logical_devices("GPU")]',
        "return tf.config.list_physical_devices()",
        "이름 문자열",
    ),
    Variant(
        E,
        "always_gpu",
        '    if list_gpus():\n        return "/GPU:0"\n    return "/CPU:0"',
        '    return "/GPU:0"',
        "GPU가 보이지 않는데",
        only_without_gpu=True,
    ),
]

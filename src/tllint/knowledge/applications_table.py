"""The `keras.applications` table: one row per constructor (keras-facts §1.2; layer counts measured
by tools/compute_layer_counts.py into tools/layer_counts.json).
"""

from __future__ import annotations

from dataclasses import dataclass


# --------------------------------------------------------------------------------------------------
# The applications table.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppEntry:
    """One `keras.applications` constructor."""

    name: str  # constructor, e.g. "MobileNetV2"; always exported as keras.applications.<name>
    module: str  # submodule whose preprocess_input belongs to the model, e.g. "mobilenet_v2"
    # Submodules that export the constructor (e8.out, k2_imports.out, tools/applications_facts.out):
    # ResNet50 is in resnet50 and resnet, ResNet101 only in resnet, MobileNetV3* in none.
    modules: tuple[str, ...]
    family: str  # for messages, e.g. "MobileNetV2"
    contract: str  # CONTRACTS key the model input expects with default arguments
    default_size: int  # default / imagenet training size (square)
    # len(model.layers) for include_top=False, weights=None, default size; Keras 3 (tf_keras for Keras-2-only models)
    layer_count: int
    bn_layers: int  # BatchNormalization layers among model.layers (same build as layer_count)
    layer_count_keras2: int  # the same counts measured on tf_keras 2.21
    bn_layers_keras2: int
    min_size: int = 32  # smaller inputs raise ValueError (keras-facts §1.2, e7.out)
    # None: no built-in preprocessing; "always": built in, no switch (EfficientNetB*);
    # "include_preprocessing": built in unless include_preprocessing=False (default True).
    builtin_flag: str | None = None
    contract_without_builtin: str | None = None  # what the net needs with include_preprocessing=False
    builtin_layers: str | None = None  # the built-in preprocessing layers, for messages (e6.out)
    # Square sizes with their own imagenet weight files; None: one weight set that loads at any size
    # >= min_size with include_top=False (include_top=True always requires default_size).
    weight_sizes: tuple[int, ...] | None = None
    # What imagenet loading does at other sizes: "warning_loads_default" (UserWarning, the default-size
    # weights are loaded; also for input_shape=None), "static_shape_required" (ValueError for None dims),
    # None: loads silently.
    size_mismatch_behaviour: str | None = None
    alpha_values: tuple[float, ...] | None = None  # accepted alpha with imagenet weights (else ValueError)
    keras3: bool = True  # exists in keras 3 (and tf.keras on TF >= 2.16)
    keras2: bool = True  # exists in tf_keras (Keras 2)
    # keras-facts §0.8: EfficientNetV2*(name=<non-default>) raises KeyError in Keras 3 (tf_keras has no name=).
    custom_name_raises_keras3: bool = False
    # Layers that weights="imagenet" adds to the counts above: EfficientNetB* append a division by sqrt(std)
    # after the Normalization, a Rescaling in Keras 3 and a TFOpLambda in tf_keras (K3 efficientnet.py:328-338,
    # TFK efficientnet.py:361-374; tools/layer_count_variants.out).
    imagenet_extra_layers: int = 0
    # Layers of the built-in preprocessing, counted in layer_count; include_preprocessing=False drops them
    # (tools/layer_count_variants.out). EfficientNetB* cannot drop theirs.
    builtin_layer_count: int = 0

    @property
    def module_exports_constructor(self) -> bool:
        """Whether `keras.applications.<module>.<name>` exists (False for mobilenet_v3, see `modules`)."""
        return self.module in self.modules

    @property
    def canonical_path(self) -> str:
        return f"keras.applications.{self.name}"

    def exists_in(self, flavour: str) -> bool:
        return self.keras3 if flavour == "keras3" else self.keras2 if flavour == "keras2" else False

    def layers_in(self, flavour: str, include_preprocessing: bool | None = None,
                  weights_imagenet: bool = False) -> int:
        """len(model.layers) with include_top=False in "keras3" or "keras2" (include_top=True adds the
        pooling/classifier layers: 2 for MobileNetV2)."""
        count = self.layer_count_keras2 if flavour == "keras2" else self.layer_count
        if self.builtin_flag == "include_preprocessing" and include_preprocessing is False:
            count -= self.builtin_layer_count
        return count + (self.imagenet_extra_layers if weights_imagenet else 0)


# keras-facts §1.2 table, one row per constructor. Counts: tools/layer_counts.json. tf_keras differs from
# Keras 3 only for MobileNetV3 and ConvNeXt (tf_keras wraps their inline TF ops as extra layers).
APPLICATIONS: tuple[AppEntry, ...] = (
    # keras-facts §1.2 VGG16, VGG19
    AppEntry(
        name="VGG16", module="vgg16", modules=("vgg16",), family="VGG", contract="caffe", default_size=224,
        min_size=32, keras3=True, keras2=True, layer_count=19, bn_layers=0, layer_count_keras2=19,
        bn_layers_keras2=0,
    ),
    AppEntry(
        name="VGG19", module="vgg19", modules=("vgg19",), family="VGG", contract="caffe", default_size=224,
        min_size=32, keras3=True, keras2=True, layer_count=22, bn_layers=0, layer_count_keras2=22,
        bn_layers_keras2=0,
    ),
    # keras-facts §1.2 ResNet50/101/152; only ResNet50 is also exported by `resnet50` (e8.out)
    AppEntry(
        name="ResNet50", module="resnet50", modules=("resnet50", "resnet"), family="ResNet",
        contract="caffe", default_size=224, min_size=32, keras3=True, keras2=True, layer_count=175,
        bn_layers=53, layer_count_keras2=175, bn_layers_keras2=53,
    ),
    AppEntry(
        name="ResNet101", module="resnet", modules=("resnet",), family="ResNet", contract="caffe",
        default_size=224, min_size=32, keras3=True, keras2=True, layer_count=345, bn_layers=104,
        layer_count_keras2=345, bn_layers_keras2=104,
    ),
    AppEntry(
        name="ResNet152", module="resnet", modules=("resnet",), family="ResNet", contract="caffe",
        default_size=224, min_size=32, keras3=True, keras2=True, layer_count=515, bn_layers=155,
        layer_count_keras2=515, bn_layers_keras2=155,
    ),
    # keras-facts §1.2 ResNet50V2/101V2/152V2: mode tf, unlike ResNet50 (caffe)
    AppEntry(
        name="ResNet50V2", module="resnet_v2", modules=("resnet_v2",), family="ResNetV2", contract="tf",
        default_size=224, min_size=32, keras3=True, keras2=True, layer_count=190, bn_layers=49,
        layer_count_keras2=190, bn_layers_keras2=49,
    ),
    AppEntry(
        name="ResNet101V2", module="resnet_v2", modules=("resnet_v2",), family="ResNetV2", contract="tf",
        default_size=224, min_size=32, keras3=True, keras2=True, layer_count=377, bn_layers=100,
        layer_count_keras2=377, bn_layers_keras2=100,
    ),
    AppEntry(
        name="ResNet152V2", module="resnet_v2", modules=("resnet_v2",), family="ResNetV2", contract="tf",
        default_size=224, min_size=32, keras3=True, keras2=True, layer_count=564, bn_layers=151,
        layer_count_keras2=564, bn_layers_keras2=151,
    ),
    # keras-facts §1.2: 299 default, 75 minimum (e7.out)
    AppEntry(
        name="InceptionV3", module="inception_v3", modules=("inception_v3",), family="InceptionV3",
        contract="tf", default_size=299, min_size=75, keras3=True, keras2=True, layer_count=311,
        bn_layers=94, layer_count_keras2=311, bn_layers_keras2=94,
    ),
    AppEntry(
        name="InceptionResNetV2", module="inception_resnet_v2", modules=("inception_resnet_v2",),
        family="InceptionResNetV2", contract="tf", default_size=299, min_size=75, keras3=True, keras2=True,
        layer_count=780, bn_layers=204, layer_count_keras2=780, bn_layers_keras2=204,
    ),
    # keras-facts §1.2: 71 minimum (e7.out)
    AppEntry(
        name="Xception", module="xception", modules=("xception",), family="Xception", contract="tf",
        default_size=299, min_size=71, keras3=True, keras2=True, layer_count=132, bn_layers=40,
        layer_count_keras2=132, bn_layers_keras2=40,
    ),
    # keras-facts §1.2 MobileNet: other sizes warn and load the 224 weights (e7.out)
    AppEntry(
        name="MobileNet", module="mobilenet", modules=("mobilenet",), family="MobileNet", contract="tf",
        default_size=224, min_size=32, weight_sizes=(128, 160, 192, 224),
        size_mismatch_behaviour="warning_loads_default", alpha_values=(0.25, 0.5, 0.75, 1.0), keras3=True,
        keras2=True, layer_count=86, bn_layers=27, layer_count_keras2=86, bn_layers_keras2=27,
    ),
    # keras-facts §0.5, §1.2: [-1, 1], not [0, 1]; input_shape=None also warns (e7.out)
    AppEntry(
        name="MobileNetV2", module="mobilenet_v2", modules=("mobilenet_v2",), family="MobileNetV2",
        contract="tf", default_size=224, min_size=32, weight_sizes=(96, 128, 160, 192, 224),
        size_mismatch_behaviour="warning_loads_default", alpha_values=(0.35, 0.5, 0.75, 1.0, 1.3, 1.4),
        keras3=True, keras2=True, layer_count=154, bn_layers=52, layer_count_keras2=154, bn_layers_keras2=52,
    ),
    # keras-facts §1.2, e8.out: no `mobilenet_v3.MobileNetV3Small` in Keras 3 or tf_keras, only the top-level
    # name; tf_keras counts more layers (inline TF ops become TFOpLambda layers)
    AppEntry(
        name="MobileNetV3Small", module="mobilenet_v3", modules=(), family="MobileNetV3", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="tf",
        builtin_layers="Rescaling(1/127.5, offset=-1)", default_size=224, min_size=32, weight_sizes=(224,),
        size_mismatch_behaviour="warning_loads_default", alpha_values=(0.75, 1.0), keras3=True, keras2=True,
        layer_count=157, bn_layers=34, layer_count_keras2=229, bn_layers_keras2=34, builtin_layer_count=1,
    ),
    AppEntry(
        name="MobileNetV3Large", module="mobilenet_v3", modules=(), family="MobileNetV3", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="tf",
        builtin_layers="Rescaling(1/127.5, offset=-1)", default_size=224, min_size=32, weight_sizes=(224,),
        size_mismatch_behaviour="warning_loads_default", alpha_values=(0.75, 1.0), keras3=True, keras2=True,
        layer_count=187, bn_layers=46, layer_count_keras2=263, bn_layers_keras2=46, builtin_layer_count=1,
    ),
    # keras-facts §1.1, §1.2: densenet is the only mode-torch module
    AppEntry(
        name="DenseNet121", module="densenet", modules=("densenet",), family="DenseNet", contract="torch",
        default_size=224, min_size=32, keras3=True, keras2=True, layer_count=427, bn_layers=121,
        layer_count_keras2=427, bn_layers_keras2=121,
    ),
    AppEntry(
        name="DenseNet169", module="densenet", modules=("densenet",), family="DenseNet", contract="torch",
        default_size=224, min_size=32, keras3=True, keras2=True, layer_count=595, bn_layers=169,
        layer_count_keras2=595, bn_layers_keras2=169,
    ),
    AppEntry(
        name="DenseNet201", module="densenet", modules=("densenet",), family="DenseNet", contract="torch",
        default_size=224, min_size=32, keras3=True, keras2=True, layer_count=707, bn_layers=201,
        layer_count_keras2=707, bn_layers_keras2=201,
    ),
    # keras-facts §1.2 NASNet: imagenet weights need a static input_shape (e7.out)
    AppEntry(
        name="NASNetMobile", module="nasnet", modules=("nasnet",), family="NASNet", contract="tf",
        default_size=224, min_size=32, size_mismatch_behaviour="static_shape_required", keras3=True,
        keras2=True, layer_count=769, bn_layers=192, layer_count_keras2=769, bn_layers_keras2=192,
    ),
    AppEntry(
        name="NASNetLarge", module="nasnet", modules=("nasnet",), family="NASNet", contract="tf",
        default_size=331, min_size=32, size_mismatch_behaviour="static_shape_required", keras3=True,
        keras2=True, layer_count=1039, bn_layers=264, layer_count_keras2=1039, bn_layers_keras2=264,
    ),
    # keras-facts §1.2 EfficientNetB0…B7: preprocessing always built in, no flag
    AppEntry(
        name="EfficientNetB0", module="efficientnet", modules=("efficientnet",), family="EfficientNet",
        contract="raw", builtin_flag="always",
        builtin_layers="Rescaling(1/255) + Normalization (ImageNet statistics)", default_size=224,
        min_size=32, keras3=True, keras2=True, layer_count=237, bn_layers=49, layer_count_keras2=237,
        bn_layers_keras2=49, builtin_layer_count=2,
        imagenet_extra_layers=1,
    ),
    AppEntry(
        name="EfficientNetB1", module="efficientnet", modules=("efficientnet",), family="EfficientNet",
        contract="raw", builtin_flag="always",
        builtin_layers="Rescaling(1/255) + Normalization (ImageNet statistics)", default_size=240,
        min_size=32, keras3=True, keras2=True, layer_count=339, bn_layers=69, layer_count_keras2=339,
        bn_layers_keras2=69, builtin_layer_count=2,
        imagenet_extra_layers=1,
    ),
    AppEntry(
        name="EfficientNetB2", module="efficientnet", modules=("efficientnet",), family="EfficientNet",
        contract="raw", builtin_flag="always",
        builtin_layers="Rescaling(1/255) + Normalization (ImageNet statistics)", default_size=260,
        min_size=32, keras3=True, keras2=True, layer_count=339, bn_layers=69, layer_count_keras2=339,
        bn_layers_keras2=69, builtin_layer_count=2,
        imagenet_extra_layers=1,
    ),
    AppEntry(
        name="EfficientNetB3", module="efficientnet", modules=("efficientnet",), family="EfficientNet",
        contract="raw", builtin_flag="always",
        builtin_layers="Rescaling(1/255) + Normalization (ImageNet statistics)", default_size=300,
        min_size=32, keras3=True, keras2=True, layer_count=384, bn_layers=78, layer_count_keras2=384,
        bn_layers_keras2=78, builtin_layer_count=2,
        imagenet_extra_layers=1,
    ),
    AppEntry(
        name="EfficientNetB4", module="efficientnet", modules=("efficientnet",), family="EfficientNet",
        contract="raw", builtin_flag="always",
        builtin_layers="Rescaling(1/255) + Normalization (ImageNet statistics)", default_size=380,
        min_size=32, keras3=True, keras2=True, layer_count=474, bn_layers=96, layer_count_keras2=474,
        bn_layers_keras2=96, builtin_layer_count=2,
        imagenet_extra_layers=1,
    ),
    AppEntry(
        name="EfficientNetB5", module="efficientnet", modules=("efficientnet",), family="EfficientNet",
        contract="raw", builtin_flag="always",
        builtin_layers="Rescaling(1/255) + Normalization (ImageNet statistics)", default_size=456,
        min_size=32, keras3=True, keras2=True, layer_count=576, bn_layers=116, layer_count_keras2=576,
        bn_layers_keras2=116, builtin_layer_count=2,
        imagenet_extra_layers=1,
    ),
    AppEntry(
        name="EfficientNetB6", module="efficientnet", modules=("efficientnet",), family="EfficientNet",
        contract="raw", builtin_flag="always",
        builtin_layers="Rescaling(1/255) + Normalization (ImageNet statistics)", default_size=528,
        min_size=32, keras3=True, keras2=True, layer_count=666, bn_layers=134, layer_count_keras2=666,
        bn_layers_keras2=134, builtin_layer_count=2,
        imagenet_extra_layers=1,
    ),
    AppEntry(
        name="EfficientNetB7", module="efficientnet", modules=("efficientnet",), family="EfficientNet",
        contract="raw", builtin_flag="always",
        builtin_layers="Rescaling(1/255) + Normalization (ImageNet statistics)", default_size=600,
        min_size=32, keras3=True, keras2=True, layer_count=813, bn_layers=163, layer_count_keras2=813,
        bn_layers_keras2=163, builtin_layer_count=2,
        imagenet_extra_layers=1,
    ),
    # keras-facts §1.2, e6.out: B variants normalise torch-style, S/M/L rescale to [-1, 1]
    AppEntry(
        name="EfficientNetV2B0", module="efficientnet_v2", modules=("efficientnet_v2",),
        family="EfficientNetV2", contract="raw", builtin_flag="include_preprocessing",
        contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=224, min_size=32,
        keras3=True, keras2=True, custom_name_raises_keras3=True, layer_count=270, bn_layers=59,
        layer_count_keras2=270, bn_layers_keras2=59, builtin_layer_count=2,
    ),
    AppEntry(
        name="EfficientNetV2B1", module="efficientnet_v2", modules=("efficientnet_v2",),
        family="EfficientNetV2", contract="raw", builtin_flag="include_preprocessing",
        contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=240, min_size=32,
        keras3=True, keras2=True, custom_name_raises_keras3=True, layer_count=334, bn_layers=73,
        layer_count_keras2=334, bn_layers_keras2=73, builtin_layer_count=2,
    ),
    AppEntry(
        name="EfficientNetV2B2", module="efficientnet_v2", modules=("efficientnet_v2",),
        family="EfficientNetV2", contract="raw", builtin_flag="include_preprocessing",
        contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=260, min_size=32,
        keras3=True, keras2=True, custom_name_raises_keras3=True, layer_count=349, bn_layers=76,
        layer_count_keras2=349, bn_layers_keras2=76, builtin_layer_count=2,
    ),
    AppEntry(
        name="EfficientNetV2B3", module="efficientnet_v2", modules=("efficientnet_v2",),
        family="EfficientNetV2", contract="raw", builtin_flag="include_preprocessing",
        contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=300, min_size=32,
        keras3=True, keras2=True, custom_name_raises_keras3=True, layer_count=409, bn_layers=88,
        layer_count_keras2=409, bn_layers_keras2=88, builtin_layer_count=2,
    ),
    AppEntry(
        name="EfficientNetV2S", module="efficientnet_v2", modules=("efficientnet_v2",),
        family="EfficientNetV2", contract="raw", builtin_flag="include_preprocessing",
        contract_without_builtin="tf", builtin_layers="Rescaling(1/128, offset=-1)", default_size=384,
        min_size=32, keras3=True, keras2=True, custom_name_raises_keras3=True, layer_count=513,
        bn_layers=110, layer_count_keras2=513, bn_layers_keras2=110, builtin_layer_count=1,
    ),
    AppEntry(
        name="EfficientNetV2M", module="efficientnet_v2", modules=("efficientnet_v2",),
        family="EfficientNetV2", contract="raw", builtin_flag="include_preprocessing",
        contract_without_builtin="tf", builtin_layers="Rescaling(1/128, offset=-1)", default_size=480,
        min_size=32, keras3=True, keras2=True, custom_name_raises_keras3=True, layer_count=740,
        bn_layers=157, layer_count_keras2=740, bn_layers_keras2=157, builtin_layer_count=1,
    ),
    AppEntry(
        name="EfficientNetV2L", module="efficientnet_v2", modules=("efficientnet_v2",),
        family="EfficientNetV2", contract="raw", builtin_flag="include_preprocessing",
        contract_without_builtin="tf", builtin_layers="Rescaling(1/128, offset=-1)", default_size=480,
        min_size=32, keras3=True, keras2=True, custom_name_raises_keras3=True, layer_count=1028,
        bn_layers=217, layer_count_keras2=1028, bn_layers_keras2=217, builtin_layer_count=1,
    ),
    # keras-facts §1.2 ConvNeXt: include_preprocessing=True is the (undocumented) default
    AppEntry(
        name="ConvNeXtTiny", module="convnext", modules=("convnext",), family="ConvNeXt", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Normalization(ImageNet mean/std scaled to [0, 255])", default_size=224, min_size=32,
        keras3=True, keras2=True, layer_count=133, bn_layers=0, layer_count_keras2=151, bn_layers_keras2=0,
        builtin_layer_count=1,
    ),
    AppEntry(
        name="ConvNeXtSmall", module="convnext", modules=("convnext",), family="ConvNeXt", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Normalization(ImageNet mean/std scaled to [0, 255])", default_size=224, min_size=32,
        keras3=True, keras2=True, layer_count=259, bn_layers=0, layer_count_keras2=295, bn_layers_keras2=0,
        builtin_layer_count=1,
    ),
    AppEntry(
        name="ConvNeXtBase", module="convnext", modules=("convnext",), family="ConvNeXt", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Normalization(ImageNet mean/std scaled to [0, 255])", default_size=224, min_size=32,
        keras3=True, keras2=True, layer_count=259, bn_layers=0, layer_count_keras2=295, bn_layers_keras2=0,
        builtin_layer_count=1,
    ),
    AppEntry(
        name="ConvNeXtLarge", module="convnext", modules=("convnext",), family="ConvNeXt", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Normalization(ImageNet mean/std scaled to [0, 255])", default_size=224, min_size=32,
        keras3=True, keras2=True, layer_count=259, bn_layers=0, layer_count_keras2=295, bn_layers_keras2=0,
        builtin_layer_count=1,
    ),
    AppEntry(
        name="ConvNeXtXLarge", module="convnext", modules=("convnext",), family="ConvNeXt", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Normalization(ImageNet mean/std scaled to [0, 255])", default_size=224, min_size=32,
        keras3=True, keras2=True, layer_count=259, bn_layers=0, layer_count_keras2=295, bn_layers_keras2=0,
        builtin_layer_count=1,
    ),
    # keras-facts §1.2 ResNetRS (tf_keras only): weight_sizes are the `imagenet-i{size}` variants
    # (TFK resnet_rs.py:70-78); any size >= 32 loads them without a warning
    AppEntry(
        name="ResNetRS50", module="resnet_rs", modules=("resnet_rs",), family="ResNetRS", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=224, min_size=32,
        weight_sizes=(160,), keras3=False, keras2=True, layer_count=271, bn_layers=56,
        layer_count_keras2=271, bn_layers_keras2=56, builtin_layer_count=2,
    ),
    AppEntry(
        name="ResNetRS101", module="resnet_rs", modules=("resnet_rs",), family="ResNetRS", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=224, min_size=32,
        weight_sizes=(160, 192), keras3=False, keras2=True, layer_count=526, bn_layers=107,
        layer_count_keras2=526, bn_layers_keras2=107, builtin_layer_count=2,
    ),
    AppEntry(
        name="ResNetRS152", module="resnet_rs", modules=("resnet_rs",), family="ResNetRS", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=224, min_size=32,
        weight_sizes=(192, 224, 256), keras3=False, keras2=True, layer_count=781, bn_layers=158,
        layer_count_keras2=781, bn_layers_keras2=158, builtin_layer_count=2,
    ),
    AppEntry(
        name="ResNetRS200", module="resnet_rs", modules=("resnet_rs",), family="ResNetRS", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=224, min_size=32,
        weight_sizes=(256,), keras3=False, keras2=True, layer_count=1087, bn_layers=206,
        layer_count_keras2=1087, bn_layers_keras2=206, builtin_layer_count=2,
    ),
    AppEntry(
        name="ResNetRS270", module="resnet_rs", modules=("resnet_rs",), family="ResNetRS", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=224, min_size=32,
        weight_sizes=(256,), keras3=False, keras2=True, layer_count=1471, bn_layers=278,
        layer_count_keras2=1471, bn_layers_keras2=278, builtin_layer_count=2,
    ),
    AppEntry(
        name="ResNetRS350", module="resnet_rs", modules=("resnet_rs",), family="ResNetRS", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=224, min_size=32,
        weight_sizes=(256, 320), keras3=False, keras2=True, layer_count=1887, bn_layers=356,
        layer_count_keras2=1887, bn_layers_keras2=356, builtin_layer_count=2,
    ),
    AppEntry(
        name="ResNetRS420", module="resnet_rs", modules=("resnet_rs",), family="ResNetRS", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="torch",
        builtin_layers="Rescaling(1/255) + Normalization(ImageNet mean/std)", default_size=224, min_size=32,
        weight_sizes=(320,), keras3=False, keras2=True, layer_count=2255, bn_layers=425,
        layer_count_keras2=2255, bn_layers_keras2=425, builtin_layer_count=2,
    ),
    # keras-facts §1.2 RegNet (tf_keras only): the net itself expects [0, 1]
    AppEntry(
        name="RegNetX002", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=143, bn_layers=44, layer_count_keras2=143, bn_layers_keras2=44, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX004", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=233, bn_layers=71, layer_count_keras2=233, bn_layers_keras2=71, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX006", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=173, bn_layers=53, layer_count_keras2=173, bn_layers_keras2=53, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX008", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=173, bn_layers=53, layer_count_keras2=173, bn_layers_keras2=53, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX016", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=193, bn_layers=59, layer_count_keras2=193, bn_layers_keras2=59, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX032", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=263, bn_layers=80, layer_count_keras2=263, bn_layers_keras2=80, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX040", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=243, bn_layers=74, layer_count_keras2=243, bn_layers_keras2=74, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX064", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=183, bn_layers=56, layer_count_keras2=183, bn_layers_keras2=56, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX080", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=243, bn_layers=74, layer_count_keras2=243, bn_layers_keras2=74, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX120", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=203, bn_layers=62, layer_count_keras2=203, bn_layers_keras2=62, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX160", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=233, bn_layers=71, layer_count_keras2=233, bn_layers_keras2=71, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetX320", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=243, bn_layers=74, layer_count_keras2=243, bn_layers_keras2=74, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY002", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=195, bn_layers=44, layer_count_keras2=195, bn_layers_keras2=44, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY004", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=237, bn_layers=53, layer_count_keras2=237, bn_layers_keras2=53, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY006", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=223, bn_layers=50, layer_count_keras2=223, bn_layers_keras2=50, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY008", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=209, bn_layers=47, layer_count_keras2=209, bn_layers_keras2=47, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY016", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=391, bn_layers=86, layer_count_keras2=391, bn_layers_keras2=86, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY032", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=307, bn_layers=68, layer_count_keras2=307, bn_layers_keras2=68, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY040", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=321, bn_layers=71, layer_count_keras2=321, bn_layers_keras2=71, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY064", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=363, bn_layers=80, layer_count_keras2=363, bn_layers_keras2=80, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY080", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=251, bn_layers=56, layer_count_keras2=251, bn_layers_keras2=56, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY120", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=279, bn_layers=62, layer_count_keras2=279, bn_layers_keras2=62, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY160", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=265, bn_layers=59, layer_count_keras2=265, bn_layers_keras2=59, builtin_layer_count=1,
    ),
    AppEntry(
        name="RegNetY320", module="regnet", modules=("regnet",), family="RegNet", contract="raw",
        builtin_flag="include_preprocessing", contract_without_builtin="unit",
        builtin_layers="Rescaling(1/255)", default_size=224, min_size=32, keras3=False, keras2=True,
        layer_count=293, bn_layers=65, layer_count_keras2=293, bn_layers_keras2=65, builtin_layer_count=1,
    ),
)

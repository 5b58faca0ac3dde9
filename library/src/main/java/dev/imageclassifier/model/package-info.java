/** Internal (not API): ONNX backbones and classifier files: loading, the feature cut, graph surgery, metadata, ONNX Runtime set-up. */
package dev.imageclassifier.model;

package io.facestream.tflite;

import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A well-formed model that no runtime can run: for the tests of services that must refuse it. */
public final class UnsupportedOperatorModel {

    /** The custom operator's name, which a refusal should quote. */
    public static final String CUSTOM_CODE = "FacestreamMystery";

    private UnsupportedOperatorModel() {
    }

    /** The model with its first operator turned into a custom operator no runtime registers. */
    public static byte[] of(byte[] model) {
        ModelT m = Model.getRootAsModel(ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN)).unpack();
        OperatorCodeT code = m.getOperatorCodes()[0];
        code.setBuiltinCode(BuiltinOperator.CUSTOM);
        code.setDeprecatedBuiltinCode((byte) BuiltinOperator.CUSTOM);
        code.setCustomCode(CUSTOM_CODE);
        return m.serializeToBinary();
    }
}

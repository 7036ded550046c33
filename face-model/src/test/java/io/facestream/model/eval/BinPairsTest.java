package io.facestream.model.eval;

import net.razorvine.pickle.Pickler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinPairsTest {

    private static final Path NAME = Path.of("test.bin");

    @TempDir
    Path dir;

    @Test
    void readsAPickleWrittenByThePickleLibrary() throws IOException {
        byte[] a = EvalTestImages.png(EvalTestImages.gradient(4, 4, 10, 20, 30, 5));
        byte[] b = EvalTestImages.png(EvalTestImages.gradient(4, 4, 90, 20, 30, 5));
        byte[] c = EvalTestImages.png(EvalTestImages.gradient(4, 4, 10, 90, 30, 5));
        // like insightface's (bins, issame_list); the pickler writes protocol 2, byte[] as Python bytes objects
        Object[] set = {List.of(a, b, a.clone(), c, b, c), List.of(true, false, true)};
        Path file = dir.resolve("lfw.bin");
        Files.write(file, new Pickler().dumps(set));

        BinPairs pairs = BinPairs.read(file);
        assertEquals("lfw.bin", pairs.name());
        assertEquals(List.of(new ImagePair(0, 1, true), new ImagePair(0, 2, false), new ImagePair(1, 2, true)),
                pairs.pairs());
        assertEquals(3, pairs.imageCount(), "identical images are kept once");
        assertArrayEquals(a, pairs.readImage(0));
        assertArrayEquals(b, pairs.readImage(1));
        assertArrayEquals(c, pairs.readImage(2));
        assertEquals("lfw.bin image item 3", pairs.imageLabel(2));
    }

    @Test
    void readsPython3PicklesOfBytes() throws IOException {
        // pickle.dumps(([b'\x89PNG-a', b'\xff\xd8JPEG-b', <the first again>, b'\x00\xffc'], [True, False]),
        // protocol=4), as Python 3.11 writes it
        BinPairs v4 = read("80049529000000000000005d9428430689504e472d61944308ffd84a5045472d62946801430300ff63946"
                + "55d942888896586942e");
        assertEquals(List.of(new ImagePair(0, 1, true), new ImagePair(0, 2, false)), v4.pairs());
        assertArrayEquals(bytes("89504e472d61"), v4.readImage(0));
        assertArrayEquals(bytes("ffd84a5045472d62"), v4.readImage(1));
        assertArrayEquals(bytes("00ff63"), v4.readImage(2));

        // pickle.dumps(([b'ab', b'cd'], [True]), protocol=2): bytes become _codecs.encode(str, 'latin1') calls
        BinPairs v2 = read("80025d710028635f636f646563730a656e636f64650a710158020000006162710258060000006c61746"
                + "96e31710386710452710568015802000000636471066803867107527108655d7109886186710a2e");
        assertEquals(List.of(new ImagePair(0, 1, true)), v2.pairs());
        assertArrayEquals("ab".getBytes(), v2.readImage(0));
        assertArrayEquals("cd".getBytes(), v2.readImage(1));
    }

    @Test
    void readsPython2PicklesOfStr() throws IOException {
        // Python 2's pickle.dumps((['ab', '\xff\xd8c'], [False]), 2): images are str (SHORT_BINSTRING), read as
        // strings of chars 0-255 and turned back into the same bytes
        BinPairs set = read("80025d7100285502616271015503ffd8637102655d710389618671042e");
        assertEquals(List.of(new ImagePair(0, 1, false)), set.pairs());
        assertArrayEquals("ab".getBytes(), set.readImage(0));
        assertArrayEquals(bytes("ffd863"), set.readImage(1));
    }

    @Test
    void malformedPicklesAreRefusedClearly() throws IOException {
        Pickler pickler = new Pickler();
        byte[] x = {1, 2, 3};
        assertRefused(pickler.dumps(new Object[] {List.of(x, x, x), List.of(true)}),
                "1 pairs need 2 images, the file has 3");
        assertRefused(pickler.dumps(new Object[] {List.of(x, x), List.of(1)}),
                "issame item 0 is a java.lang.Integer");
        assertRefused(pickler.dumps(new Object[] {List.of(x, 7), List.of(true)}),
                "image item 1 is a java.lang.Integer");
        assertRefused(pickler.dumps(List.of(List.of(x, x))), "expected a pickled pair (images, issame)");
        assertRefused(pickler.dumps(new Object[] {"abc", List.of(true)}),
                "expected (list of images, list of booleans)");
        assertRefused(pickler.dumps(new Object[] {List.of(), List.of()}), "the issame list is empty");
        byte[] good = pickler.dumps(new Object[] {List.of(x, x), List.of(true)});
        assertRefused(Arrays.copyOf(good, good.length - 6), "not a readable pickle");
        assertRefused("just some text\n".getBytes(), "not a readable pickle");
    }

    private static BinPairs read(String hex) throws IOException {
        return BinPairs.read(new ByteArrayInputStream(bytes(hex)), NAME);
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static void assertRefused(byte[] pickle, String message) {
        PairsFileException e = assertThrows(PairsFileException.class,
                () -> BinPairs.read(new ByteArrayInputStream(pickle), NAME));
        assertTrue(e.getMessage().startsWith("test.bin: "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}

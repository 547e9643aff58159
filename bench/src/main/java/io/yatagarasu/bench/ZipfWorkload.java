package io.yatagarasu.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

/**
 * The skewed cache workload of {@code bench/cache-zipf.sh}: a catalogue of objects, a Zipf request
 * sequence over it, and an exact LRU baseline replayed over the same sequence. Deterministic: the
 * same arguments give the same bytes, sizes and sequence on every machine.
 *
 * <pre>
 * java bench/src/main/java/io/yatagarasu/bench/ZipfWorkload.java generate DIR OBJECTS REQUESTS S SEED
 *   writes DIR/zipf/oNNNNN.bin (random bytes, 1 to 64 KiB, uniform), DIR/sizes.tsv (object, bytes)
 *   and DIR/sequence.txt (one object number a line, drawn with P(rank k) proportional to 1/k^S;
 *   the rank order is a seeded shuffle of the objects, so popularity does not follow the number)
 * java bench/src/main/java/io/yatagarasu/bench/ZipfWorkload.java lru DIR BUDGET_BYTES
 *   replays DIR/sequence.txt through a byte-bounded LRU cache (bodies only) and prints
 *   "LRU requests=N hits=N misses=N hit_ratio=0.xxxx"
 * </pre>
 *
 * Runs as a single-file source program (no build needed) and compiles with the bench module.
 */
public final class ZipfWorkload {
  private static final int MIN_SIZE = 1024;
  private static final int MAX_SIZE = 64 * 1024;

  private ZipfWorkload() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 6 && args[0].equals("generate")) {
      generate(
          Path.of(args[1]),
          Integer.parseInt(args[2]),
          Integer.parseInt(args[3]),
          Double.parseDouble(args[4]),
          Long.parseLong(args[5]));
    } else if (args.length == 3 && args[0].equals("lru")) {
      lru(Path.of(args[1]), Long.parseLong(args[2]));
    } else {
      System.err.println(
          "usage: ZipfWorkload generate DIR OBJECTS REQUESTS S SEED | lru DIR BUDGET_BYTES");
      System.exit(2);
    }
  }

  static void generate(Path dir, int objects, int requests, double s, long seed)
      throws IOException {
    Random random = new Random(seed);
    Path data = dir.resolve("zipf");
    Files.createDirectories(data);
    int[] sizes = new int[objects];
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("sizes.tsv"))) {
      byte[] body = new byte[MAX_SIZE];
      for (int i = 0; i < objects; i++) {
        sizes[i] = MIN_SIZE + random.nextInt(MAX_SIZE - MIN_SIZE + 1);
        random.nextBytes(body);
        Path file = data.resolve(name(i));
        if (!Files.exists(file) || Files.size(file) != sizes[i]) {
          try (OutputStream stream = Files.newOutputStream(file)) {
            stream.write(body, 0, sizes[i]);
          }
        }
        out.write(i + "\t" + sizes[i] + "\n");
      }
    }
    // Rank r (0-based) is object byRank[r]: a seeded shuffle.
    int[] byRank = new int[objects];
    for (int i = 0; i < objects; i++) {
      byRank[i] = i;
    }
    for (int i = objects - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = byRank[i];
      byRank[i] = byRank[j];
      byRank[j] = t;
    }
    double[] cdf = new double[objects];
    double sum = 0;
    for (int r = 0; r < objects; r++) {
      sum += 1.0 / Math.pow(r + 1, s);
      cdf[r] = sum;
    }
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("sequence.txt"))) {
      for (int n = 0; n < requests; n++) {
        int r = Arrays.binarySearch(cdf, random.nextDouble() * sum);
        r = r >= 0 ? r : Math.min(-r - 1, objects - 1);
        out.write(Integer.toString(byRank[r]));
        out.write('\n');
      }
    }
  }

  static void lru(Path dir, long budget) throws IOException {
    List<Integer> sizes = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("sizes.tsv"), StandardCharsets.UTF_8)) {
      sizes.add(Integer.parseInt(line.substring(line.indexOf('\t') + 1)));
    }
    LinkedHashMap<Integer, Integer> cache = new LinkedHashMap<>(16, 0.75f, true);
    long held = 0;
    long requests = 0;
    long hits = 0;
    for (String line : Files.readAllLines(dir.resolve("sequence.txt"), StandardCharsets.UTF_8)) {
      int object = Integer.parseInt(line);
      requests++;
      if (cache.get(object) != null) {
        hits++;
        continue;
      }
      int size = sizes.get(object);
      if (size > budget) {
        continue;
      }
      cache.put(object, size);
      held += size;
      var eldest = cache.entrySet().iterator();
      while (held > budget) {
        held -= eldest.next().getValue();
        eldest.remove();
      }
    }
    System.out.printf(
        "LRU requests=%d hits=%d misses=%d hit_ratio=%.4f%n",
        requests, hits, requests - hits, requests == 0 ? 0.0 : (double) hits / requests);
  }

  private static String name(int object) {
    return String.format("o%05d.bin", object);
  }
}

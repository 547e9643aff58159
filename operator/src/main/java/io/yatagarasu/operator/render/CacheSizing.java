package io.yatagarasu.operator.render;

import io.fabric8.kubernetes.api.model.Quantity;
import io.yatagarasu.config.CacheConfig;
import io.yatagarasu.operator.crd.S3ProxyConfigSpec;
import java.math.BigDecimal;

/**
 * How a fleet's cache fits in its pods' memory. Cached bodies live outside the Java heap, in direct
 * memory, next to Netty's network buffers; the JVM's default heap (75% of the memory limit) leaves
 * no room for them. With the cache enabled the pods therefore get explicit JVM limits:
 *
 * <pre>
 * direct memory = maxSize + 64Mi                   (-XX:MaxDirectMemorySize; 64Mi: network buffers)
 * heap          = memory limit - direct - 96Mi     (-Xmx; 96Mi: metaspace, code, thread stacks, GC)
 * </pre>
 *
 * and a cache whose heap would come out below 128Mi is refused. Without a memory limit only the
 * direct memory is set, and there is nothing to check against. A fleet without a cache gets no JVM
 * options at all, so its pods are not rolled.
 *
 * @param javaToolOptions the pods' {@code JAVA_TOOL_OPTIONS}, or null for none
 * @param problem why the cache does not fit (naming spec.cache.maxSize, with the numbers), or null
 */
public record CacheSizing(String javaToolOptions, String problem) {
  public static final long MIB = 1L << 20;

  /** Direct memory beyond the cache: Netty's pooled network buffers. */
  public static final long NETWORK_BUFFERS = 64 * MIB;

  /** Memory the JVM uses besides heap and direct memory. */
  public static final long JVM_OVERHEAD = 96 * MIB;

  /** The smallest heap a proxy is given. */
  public static final long MIN_HEAP = 128 * MIB;

  private static final CacheSizing NONE = new CacheSizing(null, null);

  public static CacheSizing of(S3ProxyConfigSpec spec) {
    var cache = spec == null ? null : spec.getCache();
    if (cache == null || !Boolean.TRUE.equals(cache.getEnabled())) {
      return NONE;
    }
    Long maxSize =
        cache.getMaxSize() == null ? CacheConfig.DEFAULT_MAX_SIZE : bytes(cache.getMaxSize());
    if (maxSize == null) {
      // Not a size: the renderer reports spec.cache.maxSize itself.
      return NONE;
    }
    long direct = maxSize + NETWORK_BUFFERS;
    var resources = spec.getResources();
    Quantity limitQuantity =
        resources == null || resources.getLimits() == null
            ? null
            : resources.getLimits().get("memory");
    Long limit = limitQuantity == null ? null : bytes(limitQuantity);
    if (limit == null) {
      return new CacheSizing("-XX:MaxDirectMemorySize=" + mibUp(direct) + "m", null);
    }
    long heap = limit - direct - JVM_OVERHEAD;
    if (heap < MIN_HEAP) {
      long needed = direct + JVM_OVERHEAD + MIN_HEAP;
      long largest = limit - NETWORK_BUFFERS - JVM_OVERHEAD - MIN_HEAP;
      return new CacheSizing(
          null,
          "spec.cache.maxSize: "
              + mi(maxSize)
              + " of cache does not fit in the memory limit "
              + mi(limit)
              + " (spec.resources.limits.memory): the pod needs "
              + mi(direct)
              + " of direct memory (maxSize + 64Mi of network buffers), 96Mi for the JVM and a"
              + " heap of at least 128Mi, "
              + mi(needed)
              + " in all; raise the memory limit to "
              + mi(needed)
              + " or lower maxSize to "
              + (largest >= MIB ? mi(largest) : "0")
              + (largest >= MIB ? " or less" : " (the limit leaves no room for a cache)"));
    }
    return new CacheSizing(
        "-XX:MaxDirectMemorySize=" + mibUp(direct) + "m -Xmx" + (heap / MIB) + "m", null);
  }

  /** A quantity as bytes, or null when it is not a whole, non-negative number of bytes. */
  private static Long bytes(Quantity quantity) {
    try {
      BigDecimal amount = Quantity.getAmountInBytes(quantity);
      if (amount.signum() < 0 || amount.stripTrailingZeros().scale() > 0) {
        return null;
      }
      return amount.longValueExact();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static long mibUp(long bytes) {
    return (bytes + MIB - 1) / MIB;
  }

  /** {@code 300Mi}, or bytes when not a whole number of MiB. */
  private static String mi(long bytes) {
    return bytes % MIB == 0 ? bytes / MIB + "Mi" : bytes + " bytes";
  }
}

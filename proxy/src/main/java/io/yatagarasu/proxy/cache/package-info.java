/**
 * The proxy's object cache: a bounded off-heap memory tier in front of S3.
 *
 * <ul>
 *   <li>{@link io.yatagarasu.proxy.cache.ObjectCache}: the store (Caffeine, W-TinyLFU, weighed by
 *       body size), the fills in flight, purges, swaps, per-bucket figures. One byte budget covers
 *       stored bodies and bodies being filled: a fill reserves its object's size and the store's
 *       maximum shrinks by that much until it ends.
 *   <li>{@link io.yatagarasu.proxy.cache.CachedObject}: one stored response; its body is a Netty
 *       buffer whose reference belongs to the store; readers take a lease, cut retained slices and
 *       end the lease, so an eviction never frees bytes a client is still writing.
 *   <li>{@link io.yatagarasu.proxy.cache.Fill} and {@link io.yatagarasu.proxy.cache.Subscription}:
 *       request coalescing. One driver appends into a buffer of the declared size and publishes how
 *       far it got; each subscriber reads from its own index and is woken through its own event
 *       loop. The driver never waits for a subscriber.
 *   <li>Pure rules, unit-tested on their own: {@link io.yatagarasu.proxy.cache.CacheControl} and
 *       {@link io.yatagarasu.proxy.cache.Freshness} (RFC 9111), {@link
 *       io.yatagarasu.proxy.cache.Conditionals} (RFC 9110 13.2.2), {@link
 *       io.yatagarasu.proxy.cache.ByteRanges} (S3's single-range rules), and {@link
 *       io.yatagarasu.proxy.cache.CachedAnswer} (what a stored entry answers).
 * </ul>
 *
 * The request path uses it from the serve stage ({@code pipeline.ServeFromCache}, {@code
 * FillFetch}, {@code FillReader}), after the authorize stages.
 */
package io.yatagarasu.proxy.cache;

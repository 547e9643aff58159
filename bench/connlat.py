#!/usr/bin/env python3
"""Summarises a bench/connlat.c log (needs numpy).

For every request it counts "rounds": the answers the server gave to all connections while the
request waited, divided by the number of connections. A server that serves connections in turn
answers every other connection about once while one request waits (rounds near 1), whether it is
fast or stalled; a request that waits many rounds was passed over. Prints the first request of each
connection apart from the rest, and the percentiles wrk 4.1 would print for the same requests:
wrk corrects for coordinated omission by adding, for every latency L of at least twice the mean
interval I between two requests of a connection, samples at L-I, L-2I, ... down to I.

    bench/connlat.py /tmp/requests.log
"""
import sys

import numpy as np

d = np.loadtxt(sys.argv[1], dtype=np.int64)
conn, start, end = d[:, 0], d[:, 1], d[:, 2]
n = conn.max() + 1
lat = (end - start) / 1e6
ends = np.sort(end)
rounds = (np.searchsorted(ends, end) - np.searchsorted(ends, start)) / n
first = np.zeros(len(conn), bool)
first[np.unique(conn, return_index=True)[1]] = True
rate = len(lat) / ((end.max() - start.min()) / 1e9)
print(f"{len(lat)} requests on {n} connections, {rate:.0f}/s")
for name, m in (("first request of each connection", first), ("every later request", ~first)):
    p = np.percentile(lat[m], [50, 99, 99.9])
    print(f"{name:34s} p50 {p[0]:7.2f}  p99 {p[1]:7.2f}  p99.9 {p[2]:7.2f}  max {lat[m].max():7.1f} ms"
          f"  rounds max {rounds[m].max():5.1f}")
lat_us = ((end - start) // 1000).astype(np.int64)
interval = int((end.max() - start.min()) / 1000 / (len(lat_us) // n))
hist = np.bincount(lat_us).astype(np.int64)
corrected = hist.copy()
for v in np.nonzero(hist)[0]:
    m = v - interval
    while v >= 2 * interval and m > interval:
        corrected[m] += hist[v]
        m -= interval


def pct(h, q):
    cs = np.cumsum(h)
    return np.searchsorted(cs, round(q / 100 * cs[-1] + 0.5)) / 1000


for name, h in (("all requests", hist), ("as wrk 4.1 reports them", corrected)):
    print(f"{name:34s} p50 {pct(h, 50):7.2f}  p99 {pct(h, 99):7.2f}  p99.9 {pct(h, 99.9):7.2f} ms"
          f"  ({h.sum()} samples)")

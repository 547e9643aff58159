// Closed-loop HTTP/1.1 keep-alive load client that logs every request with its connection, so
// that slow requests can be told apart: a stall of the whole server (every connection slow at the
// same time) or unfair service (one connection waits while the others are answered again and
// again). Opens CONNS connections, optionally waits DELAY_MS, then keeps one GET in flight on each
// for SECONDS. Writes one line per answered request to OUT: connection, start, end (nanoseconds
// since the first request, CLOCK_MONOTONIC). bench/connlat.py summarises the log.
//
//   gcc -O2 -o /tmp/connlat bench/connlat.c
//   taskset -c 1 /tmp/connlat 127.0.0.1 18482 /data/1k.bin 256 10 /tmp/requests.log [DELAY_MS]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
typedef struct { int fd; long start; int have; int need; char buf[8192]; } conn_t;
typedef struct { int c; long s, e; } rec_t;
static long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000L + t.tv_nsec; }
int main(int argc, char **argv) {
  const char *host = argv[1]; int port = atoi(argv[2]); const char *path = argv[3];
  int n = atoi(argv[4]); int secs = atoi(argv[5]); FILE *out = fopen(argv[6], "w");
  char req[512]; int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n", path, host, port);
  conn_t *cs = calloc(n, sizeof(conn_t)); size_t cap = 20000000; rec_t *recs = malloc(cap * sizeof(rec_t)); size_t nr = 0;
  int ep = epoll_create1(0);
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(port); inet_pton(AF_INET, host, &a.sin_addr);
  for (int i = 0; i < n; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0); int one = 1; setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
    fcntl(fd, F_SETFL, O_NONBLOCK); cs[i].fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i}; epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  if (argc > 7) usleep(atoi(argv[7]) * 1000);
  long t0 = now(), end = t0 + secs * 1000000000L;
  for (int i = 0; i < n; i++) { cs[i].start = now(); cs[i].have = 0; cs[i].need = -1; write(cs[i].fd, req, rl); }
  struct epoll_event evs[1024]; long done = 0;
  while (1) {
    long t = now(); if (t >= end) break;
    int k = epoll_wait(ep, evs, 1024, 100);
    for (int j = 0; j < k; j++) {
      int i = evs[j].data.u32; conn_t *c = &cs[i];
      for (;;) {
        int r = read(c->fd, c->buf + c->have, sizeof c->buf - c->have);
        if (r < 0 && errno == EAGAIN) break;
        if (r <= 0) { fprintf(stderr, "conn %d closed/err %d\n", i, r); close(c->fd); c->fd = -1; break; }
        c->have += r;
        for (;;) {
          if (c->need < 0) {
            char *h = memmem(c->buf, c->have, "\r\n\r\n", 4); if (!h) break;
            char *cl = memmem(c->buf, h - c->buf, "ontent-Length:", 14); if (!cl) cl = memmem(c->buf, h - c->buf, "ontent-length:", 14);
            c->need = (h - c->buf) + 4 + (cl ? atoi(cl + 14) : 0);
          }
          if (c->have < c->need) break;
          long e = now(); if (nr < cap) { recs[nr].c = i; recs[nr].s = c->start; recs[nr].e = e; nr++; } done++;
          memmove(c->buf, c->buf + c->need, c->have - c->need); c->have -= c->need; c->need = -1;
          c->start = now(); write(c->fd, req, rl);
        }
      }
    }
  }
  for (size_t i = 0; i < nr; i++) fprintf(out, "%d %ld %ld\n", recs[i].c, recs[i].s - t0, recs[i].e - t0);
  fclose(out);
  fprintf(stderr, "requests %ld in %d s: %.0f req/s\n", done, secs, done / (double)secs);
  return 0;
}

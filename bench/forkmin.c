/*
 * forkmin: the smallest fork+poll+splice TCP relay that is still correct
 * (half-close, backpressure, no loss).  bench/run measures it as the
 * "forkmin" path: the floor of relay's shape (one forked child per
 * connection, poll() over two sockets, splice() through a pipe), so that
 * relay's figures can be told apart from what the shape itself costs.
 * Benchmark use only; Linux only.
 *
 *	forkmin TCP-LISTEN:PORT[,...,backlog=N,...] TCP:IPV4ADDR:PORT
 *	forkmin -V
 *
 * The backlog is relay's default, 4096, unless backlog=N says otherwise.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK 65536

/* One direction: bytes from `from` go through `pipe` to `to`. */
struct way {
	int from, to;
	int pipe[2];
	size_t held;		/* bytes in the pipe */
	int eof;		/* `from` said EOF (or failed) */
	int shut;		/* EOF passed on to `to` */
};

/* Moves what it can; returns -1 on a write error, else 0. */
static int
pump(struct way *w, int readable)
{
	ssize_t n;

	if (readable && !w->eof && w->held == 0) {
		n = splice(w->from, NULL, w->pipe[1], NULL, CHUNK,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0)
			w->held = n;
		else if (n == 0 || errno != EAGAIN)
			w->eof = 1;
	}
	while (w->held > 0) {
		n = splice(w->pipe[0], NULL, w->to, NULL, w->held,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n <= 0)
			return n < 0 && errno == EAGAIN ? 0 : -1;
		w->held -= n;
	}
	if (w->eof && !w->shut) {
		shutdown(w->to, SHUT_WR);	/* all of it is out: pass EOF on */
		w->shut = 1;
	}
	return 0;
}

/* The child: copy both ways until both have ended; never returns. */
static _Noreturn void
relay(int client, const struct sockaddr_in *target)
{
	struct way way[2] = { { .from = client }, { .to = client } };
	struct pollfd pfd[2];
	int server, i;

	if ((server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(server, (const struct sockaddr *)target, sizeof *target) == -1 ||
	    fcntl(client, F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(server, F_SETFL, O_NONBLOCK) == -1 ||
	    pipe2(way[0].pipe, O_NONBLOCK | O_CLOEXEC) == -1 ||
	    pipe2(way[1].pipe, O_NONBLOCK | O_CLOEXEC) == -1) {
		perror("forkmin");
		_exit(1);
	}
	way[0].to = way[1].from = server;
	while (!way[0].eof || !way[1].eof || way[0].held || way[1].held) {
		/* pfd[i] is way i's source; it also waits for way !i's sink */
		for (i = 0; i < 2; i++) {
			pfd[i].fd = way[i].from;
			pfd[i].events = 0;
			if (!way[i].eof && way[i].held == 0)
				pfd[i].events |= POLLIN;
			if (way[!i].held)
				pfd[i].events |= POLLOUT;
		}
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			_exit(1);
		for (i = 0; i < 2; i++)
			if (pump(&way[i], pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) == -1)
				_exit(1);
	}
	_exit(0);
}

/* Returns the number after `name` in the comma-separated `opts`, or `dflt`. */
static int
option(const char *opts, const char *name, int dflt)
{
	const char *p = strstr(opts, name);

	return p ? atoi(p + strlen(name)) : dflt;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in listen_at = { .sin_family = AF_INET };
	struct sockaddr_in target = { .sin_family = AF_INET };
	char host[64];
	const char *lport, *dport;
	int lsock, conn, one = 1;

	if (argc == 2 && strcmp(argv[1], "-V") == 0) {
		puts("forkmin (bench/forkmin.c)");
		return 0;
	}
	if (argc != 3 || strncmp(argv[1], "TCP-LISTEN:", 11) != 0 ||
	    strncmp(argv[2], "TCP:", 4) != 0 ||
	    (dport = strrchr(argv[2], ':')) == argv[2] + 3 ||
	    (size_t)(dport - argv[2] - 4) >= sizeof host) {
		fprintf(stderr, "usage: forkmin TCP-LISTEN:PORT[,opts] TCP:IPV4ADDR:PORT\n");
		return 2;
	}
	lport = argv[1] + 11;
	memcpy(host, argv[2] + 4, dport - argv[2] - 4);
	host[dport - argv[2] - 4] = '\0';
	listen_at.sin_port = htons(atoi(lport));
	target.sin_port = htons(atoi(dport + 1));
	if (inet_pton(AF_INET, host, &target.sin_addr) != 1) {
		fprintf(stderr, "forkmin: %s: not an IPv4 address\n", host);
		return 2;
	}

	if ((lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(lsock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
	    bind(lsock, (struct sockaddr *)&listen_at, sizeof listen_at) == -1 ||
	    listen(lsock, option(lport, "backlog=", 4096)) == -1) {
		perror("forkmin: listen");
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);	/* the kernel reaps the children */
	for (;;) {
		if ((conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC)) == -1)
			continue;
		switch (fork()) {
		case 0:
			close(lsock);
			relay(conn, &target);
		case -1:
			perror("forkmin: fork");
		}
		close(conn);
	}
}

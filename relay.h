/*
 * relay: a small socat-compatible relay.
 *
 * The types here are the tables that drive relay (address types, address
 * options) and what parsing an address produces.  They are in a header so
 * that the unit test (test/unit.c) can link against relay.c without main().
 */
#ifndef RELAY_H
#define RELAY_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>

#define RELAY_VERSION	"0.1.0"

#define MAX_PARAMS	4	/* most parameters any address type takes */
#define MAX_SOCKOPTS	16	/* socket options one address may carry */
#define MAX_OPTIONS	256	/* options of one address, all kinds */
#define MAX_RAWOPTS	4	/* setsockopt=level:name:value of one address */
#define MAX_RAWOPTLEN	64	/* bytes of one such value */

/*
 * How an address is used, as bits: read (A of "A!!B", -u's right side),
 * written, or both.  Also which ends of a program relay uses.
 */
enum dir { DIR_READ = 1, DIR_WRITE = 2, DIR_BOTH = DIR_READ | DIR_WRITE };

/* Severity, in socat's order; a message is shown when >= the log level. */
enum log_level { L_DEBUG, L_INFO, L_NOTICE, L_WARN, L_ERROR, L_FATAL };

/*
 * Option groups: an address type lists the groups it belongs to, an option
 * the groups it applies to.  An option is accepted when the two intersect.
 */
#define G_FD		0x0001	/* any address */
#define G_SOCKET	0x0002	/* any socket */
#define G_IP		0x0004	/* IPv4 or IPv6 socket */
#define G_IP6		0x0008	/* socket that may be IPv6 */
#define G_TCP		0x0010
#define G_UNIX		0x0020
#define G_LISTEN	0x0040	/* passive sockets */
#define G_CHILD		0x0080	/* addresses that can fork per connection */
#define G_CONNECT	0x0100	/* active sockets */
#define G_NAMED		0x0200	/* addresses that create a file system entry */
#define G_FILE		0x0400	/* open() of a path */
#define G_PROGRAM	0x0800	/* EXEC and SYSTEM */
#define G_UDP		0x1000
#define G_IPSERVER	0x2000	/* IP addresses that take in clients */
#define G_TERMIOS	0x4000	/* addresses that may be a terminal */
#define G_SESSION	0x8000	/* EXEC, SYSTEM, SHELL, PTY: setsid, ctty */
#define G_SOCKS		0x10000	/* SOCKS4, SOCKS4A, SOCKS5-CONNECT */
#define G_HTTP		0x20000	/* PROXY: HTTP CONNECT */
#define G_PROCESS	0x40000	/* STDIO, TUN: setsid is relay's own */
/* The Linux packet and message queue types, from the top bit down. */
#define G_TUN		0x40000000	/* TUN: the tunnel device's options */
#define G_INTERFACE	0x20000000	/* TUN, INTERFACE: the iff-* flags */
#define G_POSIXMQ	0x10000000	/* POSIXMQ-*: message queues */
#define G_UDPLITE	0x1000000 /* UDP-Lite: the checksum coverage */
#define G_SCTP		0x2000000
#define G_DCCP		0x4000000
#define G_RETRY		(G_CONNECT | G_LISTEN | G_POSIXMQ)

/*
 * What an address does when opened; transfer() never needs to know.
 * The listening kinds are served by the accept loops in relay.c.
 */
enum addr_kind {
	K_STDIO, K_STREAM_CONNECT, K_STREAM_LISTEN, K_DGRAM_CONNECT,
	K_DGRAM_LISTEN, K_RECVFROM, K_SENDTO, K_RECV, K_PROGRAM, K_FILE,
	K_PIPE, K_FD, K_PTY,
	K_PACKET,	/* TUN, INTERFACE: one read is one packet */
	K_MQUEUE	/* POSIXMQ-*: one read is one message */
};

/*
 * When an option takes effect.  Settings consumed by an open function are
 * read at PH_OPEN; socket options are set right after socket(), before
 * bind(), so a listener passes them on to every accepted connection.
 */
enum opt_phase { PH_OPEN, PH_PREBIND, PH_BOUND, PH_ACCEPT };

/*
 * OT_INT_NULL: a number, or an empty value that sets nothing (socat 1.8's);
 * OT_STRING_NULL: a string that may be left out ("name" alone stores "").
 */
enum opt_type { OT_BOOL, OT_INT, OT_TIME, OT_STRING, OT_STRING_NULL, OT_MODE,
	OT_INT_NULL };

/*
 * How an option is applied: setsockopt() from the row, a settings field,
 * open() flags (OA_OFLAG adds the row's flag bits, OA_ACCMODE sets the
 * access mode), or a terminal flag (OA_TERMIOS: the row's level says which
 * of c_iflag, c_oflag, c_lflag, c_cflag, its optname which bits; an OT_INT
 * row sets a field of bits, csize).  OA_CONST stores the row's optname in
 * its field (one of a family: a lock kind), OA_FSFLAG adds the row's
 * optname to the file's attributes (chattr's flags).  OA_IFFLAG sets (1)
 * or clears (0) the row's optname in a network interface's flags (iff-*).
 * OA_RAWOPT is setsockopt=level:name:value, the value as the row's level
 * says: 'b' bytes (parse_bytes()), 'i' an int, 's' a string.
 */
enum opt_apply { OA_FIELD, OA_SOCKOPT, OA_OFLAG, OA_ACCMODE, OA_TERMIOS,
	OA_CONST, OA_FSFLAG, OA_IFFLAG, OA_RAWOPT };

struct opt_desc {
	const char	*name;
	const char	*aliases;	/* space-separated, or NULL */
	/*
	 * Small types: 40 bytes a row instead of 56, 1.7 KiB less in
	 * the static binary (its budget is 192 KiB).
	 */
	unsigned	 groups;
	enum opt_phase	 phase : 8;
	enum opt_type	 type : 8;
	enum opt_apply	 apply : 8;
	unsigned char	 level;		/* OA_SOCKOPT: setsockopt level */
	unsigned	 optname;	/* OA_SOCKOPT: setsockopt name */
	unsigned short	 field;		/* OA_FIELD: offset in struct addr_settings */
	const char	*help;		/* value shown by -h, or NULL for a flag */
};

/* The lock an address takes on its fd once open (flock, setlk, ...). */
enum lock_kind { LK_NONE, LK_FLOCK_EX, LK_FLOCK_EX_NB, LK_FLOCK_SH,
	LK_FLOCK_SH_NB, LK_SETLK_RD, LK_SETLK_WR, LK_SETLKW_RD, LK_SETLKW_WR };

/* How the shut-* options pass an EOF on; SH_TYPE: the type's own way. */
enum shut_opt { SH_TYPE, SH_NONE, SH_DOWN, SH_CLOSE, SH_NULL };

/* The per-address settings that OA_FIELD options write. */
struct addr_settings {
	int	 fork;
	int	 backlog;
	int	 max_children;
	double	 connect_timeout;	/* seconds; 0 means none */
	double	 accept_timeout;	/* seconds; 0 means none */
	char	*bind;
	char	*bind_tempname;		/* unix-bind-tempname: "" for the default */
	int	 unlink_early;
	int	 unlink_close;		/* -1: the type's default (see open_posixmq) */
	int	 mode;			/* -1: leave as created */
	int	 umask;			/* -1: the process's, while it opens */
	int	 pipesz;		/* f-setpipe-sz: 0, or a pipe's size */
	char	*chdir;			/* the directory it opens in */
	char	*user;			/* owner of a created file or socket */
	char	*group;
	int	 oflags;		/* open() flags added by options */
	int	 async;			/* O_ASYNC, by fcntl() once open */
	int	 cloexec;		/* FD_CLOEXEC set or cleared; -1: relay's */
	int	 accmode;		/* O_RDONLY etc., or -1: from the type */
	int	 retry;
	int	 forever;
	double	 interval;		/* between retries */
	char	*range;			/* allowed clients, "addr/bits" */
	int	 sourceport;
	int	 lowport;
	char	*su;			/* user to serve connections as */
	char	*mcast;			/* ip-add-membership=group:if */
	char	*mcast6;		/* ipv6-join-group=[group]:if */
	char	*device;			/* so-bindtodevice= */
	int	 crnl;			/* convert \n to \r\n on the wire */
	int	 ignoreeof;
	int	 cool_write;		/* EPIPE, ECONNRESET: a notice, not an E */
	int	 escape;		/* a byte read means EOF; -1: none */
	int	 readbytes;		/* bytes to read before EOF; <= 0: all */
	int	 shut;			/* enum shut_opt: shut-none etc. */
	int	 null_eof;		/* an empty datagram is an EOF */
	int	 end_close;		/* EXEC/SYSTEM: left running at the end */
	int	 pipes;			/* EXEC/SYSTEM: pipes, not a socketpair */
	int	 stderr_too;		/* EXEC/SYSTEM: stderr to relay too */
	int	 fdin, fdout;		/* EXEC/SYSTEM: the program's ends, or -1
					   for 0 and 1 */
	int	 nofork;		/* EXEC/SYSTEM: exec in place */
	int	 sighup, sigint, sigquit; /* EXEC/SYSTEM: passed on to it */
	int	 setsid;
	int	 pgid;			/* -1: leave */
	int	 pty;			/* EXEC/SYSTEM: on a pseudo terminal */
	int	 ctty;			/* ... as its controlling terminal */
	char	*link;			/* PTY: a symlink to the slave */
	int	 wait_slave;		/* PTY: until someone opens the slave */
	double	 pty_interval;		/* ... checked this often; 0: 0.1 s */
	int	 raw;			/* terminal: cfmakeraw(), but echo kept */
	int	 rawer;			/* terminal: cfmakeraw() */
	int	 sane;			/* terminal: the usual cooked mode */
	long	 baud;			/* terminal: b<baud>, or 0 */
	unsigned tset[4], tclr[4];	/* terminal: c_i/o/l/cflag bits */
	int	 ispeed, ospeed;	/* terminal: speed_t codes, or -1 */
	int	 ftruncate;		/* file: length to cut to, or -1 */
	unsigned fsflags;		/* file: attributes to add (fs-*) */
	int	 lock;			/* enum lock_kind */
	char	*lockfile;		/* lockfile=: as -L */
	char	*waitlock;		/* waitlock=: as -W */
	char	*pf;			/* pf=: ip4, ip6, ... */
	char	*socksport;		/* SOCKS: the server's port */
	char	*socksuser;		/* SOCKS4: the user id sent */
	char	*proxyport;		/* PROXY: the proxy's port */
	char	*proxyauth;		/* PROXY: "user:password", sent Basic */
	char	*proxyauthfile;		/* PROXY: ... read from this file */
	char	*http_version;		/* PROXY: of the CONNECT line */
	int	 proxy_resolve;		/* PROXY: send the target's IPv4 address */
	int	 ignorecr;		/* PROXY: a bare \n ends a reply line */
	char	*tun_device;		/* TUN: the clone device */
	char	*tun_name;		/* TUN: the new interface's name */
	char	*tun_type;		/* TUN: "tun" or "tap" */
	int	 no_pi;			/* TUN: packets without the 4-byte header */
	unsigned iff_set, iff_clr;	/* TUN, INTERFACE: interface flags */
	int	 mq_prio;		/* POSIXMQ: priority of the messages sent */
	int	 mq_flush;		/* POSIXMQ: drop what the queue holds */
	int	 mq_maxmsg, mq_msgsize;	/* POSIXMQ: of a new queue; 0: default */
	int	 socktype;		/* so-type=: 0 for the type's own */
	int	 protocol;		/* so-protocol=: 0 for the type's own */
};

struct addr;
struct addrinfo;
struct endpoint;
/*
 * An open function returns 0, or after logging -1, or OPEN_FINAL for a
 * failure that retry= is not to try again.
 */
typedef int (*open_fn)(struct addr *, struct endpoint *);
#define OPEN_FINAL	(-2)

struct addr_type {
	const char	*name;
	const char	*aliases;	/* space-separated, or NULL */
	signed char	 nparams;	/* -n: n - 1 or n (-1: none or one) */
	const char	*params;	/* parameter names, for -h */
	/* Small types, as in opt_desc. */
	enum addr_kind	 kind : 8;
	unsigned char	 family;	/* AF_UNSPEC: chosen by -4/-6 or the host */
	unsigned char	 socktype;
	unsigned char	 protocol;
	unsigned	 groups;
	unsigned short	 variant;	/* TV_* bits: what sets the row apart */
	open_fn		 open;
};

/*
 * What sets a row apart from the others that share its open function
 * (addr_type.variant); each bit means something to one open function.
 */
#define TV_READ		0x0001	/* STDIO, FD: the fd can be read ... */
#define TV_WRITE	0x0002	/* ... and written (enum dir's bits) */
#define TV_ABSTRACT	0x0004	/* UNIX: Linux's abstract namespace */
#define TV_DGRAM_FALLBACK 0x0008 /* UNIX-CLIENT: a datagram socket if the
				   path is one */
#define TV_ANY_SENDER	0x0010	/* DATAGRAM: replies from anyone */
#define TV_SOCKETPAIR	0x0020	/* SOCKETPAIR: PIPE's echo over a socketpair */
#define TV_SYSTEM	0x0040	/* SYSTEM: the command runs in /bin/sh -c */
#define TV_SHELL	0x0080	/* SHELL: ... in the user's $SHELL -c */
#define TV_SOCKS4A	0x0100	/* SOCKS4A: the server resolves the host */
#define TV_SOCKS5_BIND	0x0200	/* SOCKS5-LISTEN: a BIND, not a CONNECT */
#define TV_CREATE	0x0400	/* CREATE: creat(), truncating */
#define TV_GOPEN	0x0800	/* GOPEN: creates, appends, or connects to a
				   UNIX socket */
#define TV_ONE_MESSAGE	0x8000	/* POSIXMQ-RECEIVE: one message, then EOF */

struct sockopt_val {
	const struct opt_desc	*desc;
	int			 value;
};

/* setsockopt=level:name:value and its siblings: a socket option by number. */
struct rawopt {
	int		 level;
	int		 name;
	socklen_t	 len;
	unsigned char	 value[MAX_RAWOPTLEN];
};

/* One parsed address; a dual address "A!!B" reads A and writes B. */
struct addr {
	const char		*text;		/* as given on the command line */
	struct addr		*writer;	/* B of "A!!B", or NULL */
	int			 half;		/* A or B of "A!!B" */
	enum dir		 dir;
	const struct addr_type	*type;
	int			 nparams;
	char			*params[MAX_PARAMS];
	unsigned short		 port;		/* resolved once, at parse time */
	unsigned short		 target_port;	/* beyond a SOCKS server or proxy */
	int			 family;	/* pf=, parsed; AF_UNSPEC: none */
	struct addrinfo		*numeric;	/* a numeric host, resolved once */
	int			 range_family;	/* range=, parsed once */
	int			 range_bytes;	/* SOCKET-*: range= as bytes */
	unsigned char		 range_net[16];
	unsigned char		 range_mask[16];
	struct addr_settings	 set;
	/* The first address once open, for the second: SOCAT_*, nofork. */
	const struct endpoint	*first;
	int			 nsockopts;
	struct sockopt_val	 sockopts[MAX_SOCKOPTS];
	int			 protocol;	/* raw IP: the protocol parameter */
	int			 nrawopts;
	struct rawopt		 rawopts[MAX_RAWOPTS];
};

/*
 * An opened address as transfer() sees it: where to read, where to write
 * and how to pass an EOF on.  Sockets use one fd for both.
 */
enum shut_how { SHUT_SOCKET, SHUT_CLOSE, SHUT_NOTHING, SHUT_DGRAM };

/*
 * A datagram a listener took in for a client before its transfer: len
 * bytes of data, then ctllen bytes of its ancillary data (ip-pktinfo and
 * the like), for a program's SOCAT_* variables.
 */
struct dgram {
	struct dgram		*next;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
	unsigned		 ctllen;
	size_t			 len;
	char			 data[];
};

struct endpoint {
	int			 rfd;	/* -1: the address cannot be read */
	int			 wfd;	/* -1: the address cannot be written */
	int			 is_socket;
	int			 dgram;	/* one read is one datagram */
	enum shut_how		 shut;
	int			 listen_fd; /* listening kinds, before accept */
	pid_t			 pid;	/* EXEC/SYSTEM: the program read, or 0 */
	int			 ended;	/* the transfer read its EOF */
	enum dir		 program; /* which ends of a program relay uses */
	int			 sent_eof; /* the empty datagram went out */
	struct sockaddr_storage	 to;	/* datagrams go here by sendto() */
	socklen_t		 tolen;	/* 0: the socket is connected */
	int			 peer_only; /* SENDTO: reads from "to" only */
	struct dgram		*held;	/* datagrams read before transfer */
	unsigned char		 crnl;	/* (chars: see check) */
	unsigned char		 ignoreeof;
	unsigned char		 cool_write; /* a reader gone is a notice */
	int			 escape;
	/*
	 * Raw IP, RECV, and DATAGRAM with range= and the like: the address
	 * each datagram read is checked against, and whose ancillary data is
	 * logged (recv_filtered()).  It costs
	 * the endpoint no byte: run()'s stack, two endpoints among it, stays
	 * in one page, which a fork child then shares with its listener.
	 */
	const struct addr	*check;
	long			 left;	/* readbytes= still to read, or -1 */
	enum dir		 mq;	/* POSIXMQ: which of rfd, wfd are queues */
	unsigned		 mq_prio; /* POSIXMQ: priority of what is sent */
};

extern const struct addr_type addr_types[];
extern const size_t n_addr_types;
extern const struct opt_desc opt_descs[];
extern const size_t n_opt_descs;

const struct addr_type *find_addr_type(const char *name);
const struct opt_desc *find_option(const char *name);
char *lex_token(const char **sp, const char *ends, const char **err);
int parse_address(const char *text, struct addr *a);
void free_address(struct addr *a);
int parse_port(const char *s, int listen, unsigned short *port);
int parse_time(const char *s, double *secs);
int parse_int(const char *s, int *v);
int parse_bytes(const char *s, unsigned char *buf, size_t size, size_t *len);
int parse_ip_protocol(const char *s, int *protocol);
socklen_t generic_sockaddr(struct sockaddr_storage *ss, int domain,
    const char *text);
int parse_range(const char *s, struct addr *a);
struct in_addr;
int parse_if_addr(const char *s, struct in_addr *ip, struct in_addr *mask);
int parse_vsock_number(const char *s, const char *what, unsigned *v);
int expand_sniff_path(const char *path, char *buf, size_t size);
#if defined(__linux__) && defined(AF_VSOCK)
socklen_t vsock_sockaddr(struct sockaddr_storage *ss, const char *cid,
    const char *port);
#endif

/*
 * Where a SOCKS or HTTP proxy's reply is read from: the socket (fd), or
 * for the fuzzer a buffer (fd -1, buf and len).  deadline: connect-timeout's
 * end on the monotonic clock, or 0 for none.
 */
struct reply_src {
	int			 fd;
	const unsigned char	*buf;
	size_t			 len, off;
	double			 deadline;
	const char		*request;	/* PROXY: "CONNECT host:port" */
};
enum proxy_proto { PROTO_SOCKS4, PROTO_SOCKS5_HELLO, PROTO_SOCKS5, PROTO_HTTP };
int read_proxy_reply(enum proxy_proto proto, struct reply_src *src,
    const struct addr *a);

#endif /* RELAY_H */

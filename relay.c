/*
 * relay: a small, socat-compatible relay.
 *
 *	relay [options] <address> <address>
 *
 * relay opens the first address, then the second, and copies bytes between
 * them in both directions until both have reached EOF.  A listening address
 * with "fork" accepts connections forever and forks one child per
 * connection; the child opens the other address and does the copying.
 *
 * The file reads top-down: global state and logging, the option and address
 * tables, parsing, opening addresses, accepting, the transfer loop, main().
 */
#define _GNU_SOURCE	/* accept4(), MSG_NOSIGNAL on older libcs */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/file.h>	/* flock() */
#include <sys/socket.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/sysmacros.h>	/* major(), minor() */
#endif
#include <sys/time.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 35)
#include <sys/rseq.h>		/* see stop_rseq() */
#include <sys/syscall.h>
#define HAVE_GLIBC_RSEQ 1
#endif

#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "relay.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0		/* SIGPIPE is ignored anyway */
#endif

/* chdir= comes back through a directory it need not be able to read. */
#ifdef O_PATH
#define O_PATH_OR_RDONLY O_PATH
#else
#define O_PATH_OR_RDONLY O_RDONLY
#endif

/*
 * Linux fast paths: splice() moves socket data through a pipe without a
 * copy to user space, and socket()/accept4() take the fd flags at once.
 * Elsewhere the same code runs on read()/write() and fcntl().
 */
#if defined(__linux__) && defined(SPLICE_F_MOVE)
#define HAVE_SPLICE 1
#endif
/*
 * The file attributes of chattr(1), for fs-*: the kernel's ABI, written
 * out because musl's headers have no <linux/fs.h>.
 */
#if defined(__linux__) && !defined(FS_IOC_SETFLAGS)
#define FS_IOC_GETFLAGS		_IOR('f', 1, long)
#define FS_IOC_SETFLAGS		_IOW('f', 2, long)
#define FS_SECRM_FL		0x00000001
#define FS_UNRM_FL		0x00000002
#define FS_COMPR_FL		0x00000004
#define FS_SYNC_FL		0x00000008
#define FS_IMMUTABLE_FL		0x00000010
#define FS_APPEND_FL		0x00000020
#define FS_NODUMP_FL		0x00000040
#define FS_NOATIME_FL		0x00000080
#define FS_JOURNAL_DATA_FL	0x00004000
#define FS_NOTAIL_FL		0x00008000
#define FS_DIRSYNC_FL		0x00010000
#define FS_TOPDIR_FL		0x00020000
#endif

/*
 * VSOCK (virtual machine sockets), Linux only.  The address structure is
 * the kernel's ABI; libcs without <linux/vm_sockets.h> (musl, for the
 * static build) get it here.
 */
#if defined(__linux__) && defined(AF_VSOCK)
#define HAVE_VSOCK 1
#if defined(__has_include) && __has_include(<linux/vm_sockets.h>)
#include <linux/vm_sockets.h>
#else
struct sockaddr_vm {
	sa_family_t	 svm_family;
	unsigned short	 svm_reserved1;
	unsigned int	 svm_port;
	unsigned int	 svm_cid;
	unsigned char	 svm_flags;
	unsigned char	 svm_zero[3];
};
#define VMADDR_CID_ANY	-1U
#endif
#endif
/*
 * TUN, INTERFACE and the POSIXMQ types, Linux only: a tunnel device and an
 * AF_PACKET socket give one packet a read, and a message queue descriptor
 * is a file descriptor that poll() watches.  The tunnel device's ioctl and
 * flags are the kernel's ABI, written out because musl's headers have no
 * <linux/if_tun.h>.
 */
#ifdef __linux__
#include <mqueue.h>
#include <netpacket/packet.h>
#define HAVE_PACKET 1	/* TUN and INTERFACE */
#define HAVE_POSIXMQ 1
#ifndef TUNSETIFF
#define TUNSETIFF	_IOW('T', 202, int)
#endif
#ifndef IFF_TUN
#define IFF_TUN		0x0001
#define IFF_TAP		0x0002
#define IFF_NO_PI	0x1000
#endif
#ifndef ETH_P_ALL
#define ETH_P_ALL	0x0003
#endif
#endif
/*
 * UDP-Lite, SCTP and DCCP: Linux's, each a row on the UDP or TCP openers
 * with its own protocol (and for DCCP its own socket type).  The UDP-Lite
 * option numbers are the kernel's (linux/udp.h), which not every libc
 * repeats.
 */
#if defined(__linux__) && defined(IPPROTO_UDPLITE)
#define HAVE_UDPLITE 1
#ifndef UDPLITE_SEND_CSCOV
#define UDPLITE_SEND_CSCOV	10
#define UDPLITE_RECV_CSCOV	11
#endif
#endif
#if defined(__linux__) && defined(IPPROTO_SCTP)
#define HAVE_SCTP 1
#endif
#if defined(__linux__) && defined(IPPROTO_DCCP)
#define HAVE_DCCP 1
#ifndef SOCK_DCCP
#define SOCK_DCCP	6
#endif
#endif

#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
#define HAVE_SOCK_FLAGS 1
#else
#define SOCK_CLOEXEC	0
#define SOCK_NONBLOCK	0
#endif

/* ------------------------------------------------------------------ */
/* Global state                                                        */
/* ------------------------------------------------------------------ */

/* Which way bytes go: -u, -U or both (also the index of -r and -R). */
enum way { LEFT_TO_RIGHT, RIGHT_TO_LEFT, BOTH_WAYS };
/* -v and -x: what the dump of the data shows, as bits. */
enum dump { DUMP_TEXT = 1, DUMP_HEX = 2 };
/* Where log lines go: -ly to syslog, -lm there once start-up is over. */
enum log_to { LOG_TO_FD, LOG_TO_SYSLOG, LOG_TO_SYSLOG_LATER };

static struct {
	const char	*prog;		/* basename of argv[0], for log lines */
	int		 loglevel;	/* lowest severity shown */
	int		 logfd;
	double		 closewait;	/* -t */
	double		 idle;		/* -T; 0 means none */
	enum way	 ways;		/* -u, -U: the one way, or BOTH_WAYS */
	size_t		 bufsize;	/* -b */
	int		 bufsize_set;
	int		 pf;		/* -4/-6: AF_INET, AF_INET6 or AF_UNSPEC */
	int		 splice;	/* socket to socket through a pipe */
	const char	*envprefix;	/* of the variables a program gets */
	int		 retrying;	/* an open that fails will be retried */
	int		 logusec;	/* -lu */
	enum log_to	 syslog;	/* -ly, -lm */
	int		 syslog_facility;
	int		 syslog_fd;	/* the /dev/log socket, or -1 */
	const char	*loghost;	/* -lh: the host name, or NULL */
	enum dump	 dump;		/* -v, -x, or 0 */
	const char	*rawpath[2];	/* -r and -R: the file names given */
	int		 rawfd[2];	/* and those files, once opened, or -1 */
	unsigned long long dumped[2];	/* bytes dumped per direction */
	int		 statistics;	/* --statistics: counters at exit */
	int		 sloppy;	/* -s: an option that fails is no error */
	int		 fdinfo;	/* -D: describe the fds before transfer */
} g = {
	.prog = "relay", .loglevel = L_ERROR, .logfd = STDERR_FILENO,
	.closewait = 0.5, .bufsize = 8192, .pf = AF_UNSPEC, .envprefix = "SOCAT",
	.rawfd = { -1, -1 }, .syslog_fd = -1, .ways = BOTH_WAYS,
};

/*
 * What the signal handler needs: it runs async, so everything is prepared
 * here beforehand.  The files relay made and removes at exit (a UNIX-LISTEN
 * socket, a FIFO, PTY links, the -L lock, a UNIX client's bind= socket)
 * belong to the process that made them: a fork child never removes the
 * listener's.  Terminals relay changed are restored.
 */
#define MAX_CLEANUP	8	/* the lock, and a link or socket per half */
#define MAX_TTYS	4	/* terminals relay restores: stdin, stdout, FDs */
#define ACCEPT_BURST	64	/* connections a fork listener takes at once */
/*
 * The default listen backlog: glibc's SOMAXCONN (musl's header still says
 * 128), and the kernel caps it at net.core.somaxconn.  socat's default of 5
 * drops the SYNs of any burst of clients, each of which then waits out a
 * retransmit timeout of a second or more; backlog=5 still gives socat's.
 */
#define DEFAULT_BACKLOG	4096
#define STACK_PAGE	4096	/* the unit of copy-on-write after fork() */
#define BULK_STEP	16384	/* a splice step this big means bulk data */
#define BULK_PIPE	262144	/* and the pipe size that moves it best */
static struct cleanup_name {
	char		*path;
	pid_t		 pid;		/* the process that made it */
}				 cleanup_paths[MAX_CLEANUP];
static struct {
	int		 fd;
	pid_t		 pid;		/* the process that changed it */
	struct termios	 saved;
}				 tty_saved[MAX_TTYS] = { { .fd = -1 }, { .fd = -1 },
				     { .fd = -1 }, { .fd = -1 } };
static long			 utc_offset;	/* seconds east of UTC, at start */
#ifdef HAVE_POSIXMQ
/* The message queues relay removes at exit (unlink-close), as above. */
#define MAX_MQ_CLEANUP	2	/* a queue per address */
static struct cleanup_name	 cleanup_mqs[MAX_MQ_CLEANUP];
#endif
#ifdef HAVE_PACKET
/* The flags of the interfaces INTERFACE changed (iff-*), put back at exit. */
#define MAX_IF_SAVED	2	/* an interface per address */
static struct {
	char		 name[IF_NAMESIZE];
	short		 flags;
	pid_t		 pid;		/* the process that changed them */
}				 if_saved[MAX_IF_SAVED];
#endif

/*
 * The EXEC/SYSTEM programs of this process: at most one for each half of
 * each address.  The SIGCHLD handler reaps them and records how each ended.
 */
#define MAX_PROGRAMS	4
static struct program {
	volatile pid_t		 pid;
	volatile pid_t		 parent;	/* relay's process that started it */
	volatile sig_atomic_t	 done;
	volatile int		 status;
	volatile sig_atomic_t	 passes; /* SIGHUP etc. it takes (bits) */
	volatile sig_atomic_t	 keep;	/* end-close: left running at the end */
}				 programs[MAX_PROGRAMS]
    __attribute__((aligned(STACK_PAGE)));	/* see below */
static volatile sig_atomic_t	 nprograms;

/*
 * An idle fork child's own memory is the pages that it or the listener
 * writes after fork(): each such page is copied.  Every child writes its
 * thread's own data anyway (the kernel stores the new thread id there,
 * libc keeps errno there): glibc puts it on the page below the thread
 * pointer, musl (the static build) in .bss.  So what a child or the
 * listener writes after fork() is thread-local (relay has one thread) and
 * lands on that same page: 8 KiB an idle connection (that page and one of
 * stack) instead of 12.  musl keeps a TLS of up to about 100 bytes in
 * .bss (a larger one gets a page of its own), beside the locks and counters
 * its fork() writes, after relay's own variables: programs[] starts a page,
 * and what follows it up to those takes less than a page, so all of them
 * are on that one page.  test/60 checks both builds.
 */
static __thread volatile sig_atomic_t children_forked;
static __thread volatile sig_atomic_t children_reaped;
/*
 * What crossed in each direction, for --statistics and SIGUSR1: bytes, and
 * blocks (socat's "packets": one per read that brought data).
 */
static __thread struct {
	unsigned long long bytes, packets;
}				 moved[2];
static __thread int		 transferring;	/* moved[] is live */
static __thread int		 forked_child;	/* ends with _exit() */
static __thread volatile sig_atomic_t stats_wanted;	/* SIGUSR1 came */
#define NOT_STARTED	"transfer engine not yet started, statistics not available"


static void relay_exit(int status) __attribute__((noreturn));
static void take_lock(const char *path, int wait);
static void catch_sigchld(int catch);

/* ------------------------------------------------------------------ */
/* Logging                                                             */
/* ------------------------------------------------------------------ */

static const char level_letter[] = "DINWEF";

/* OR'ed into a level: the line is written whatever -d says. */
#define L_ALWAYS	0x100
#define L_ERRNO		0x200	/* ": " and errno's text follow */
/*
 * An E that no retry can mend: an E even while a failed open is retried
 * (whose other errors are notices, see open_once()).
 */
#define L_FINAL		0x400

/*
 * Formats t as socat's "YYYY/MM/DD HH:MM:SS" in local time, using the UTC
 * offset taken at start, so that it is safe inside a signal handler.
 * Returns the number of characters written (19).
 */
static int
format_time(time_t t, char *buf)
{
	long days, secs, y, m, d, era, doe, yoe, doy, mp;
	char *p = buf;
	long v[6];
	int i;

	t += utc_offset;
	days = (long)(t / 86400);
	secs = (long)(t % 86400);
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);

	v[0] = y; v[1] = m; v[2] = d;
	v[3] = secs / 3600; v[4] = secs / 60 % 60; v[5] = secs % 60;
	for (i = 0; i < 6; i++) {
		if (i == 0) {
			*p++ = '0' + (char)(y / 1000 % 10);
			*p++ = '0' + (char)(y / 100 % 10);
		}
		*p++ = '0' + (char)(v[i] / 10 % 10);
		*p++ = '0' + (char)(v[i] % 10);
		if (i < 5)
			*p++ = i < 2 ? '/' : i == 2 ? ' ' : ':';
	}
	return (int)(p - buf);
}

/*
 * Puts the message after the n bytes of a log line's prefix in line (size
 * bytes), with ": " and the text of err after it for L_ERRNO, and the
 * newline; cuts what does not fit.  Returns the line's length.
 */
static int
format_message(char *line, int n, int size, int flags, int err,
    const char *fmt, va_list ap)
{
	int m;

	if (n > size - 2)
		n = size - 2;	/* a -lp name longer than the line */
	m = vsnprintf(line + n, (size_t)(size - n - 1), fmt, ap);
	n += m < 0 ? 0 : m;
	if ((flags & L_ERRNO) && n < size - 2)
		n += snprintf(line + n, (size_t)(size - n - 1), ": %s",
		    strerror(err));
	if (n > size - 2)
		n = size - 2;
	line[n++] = '\n';
	return n;
}

/*
 * Sends one message to the local syslog socket as syslog(3) would:
 * "<pri>Mmm dd hh:mm:ss prog[pid]: L message".  Done by hand so that the
 * static binary carries no strftime(); the socket is (re)connected when
 * needed.
 */
static void
syslog_line(int level, int flags, int err, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_DEBUG, LOG_INFO, LOG_NOTICE,
	    LOG_WARNING, LOG_ERR, LOG_CRIT };
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	char stamp[24], msg[1100];
	int n, month;

	if (g.syslog_fd == -1 &&
	    (g.syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	format_time(time(NULL), stamp);		/* YYYY/MM/DD HH:MM:SS */
	month = (stamp[5] - '0') * 10 + (stamp[6] - '0');
	n = snprintf(msg, sizeof(msg), "<%d>%.3s %c%c %.8s %s[%ld]: %c ",
	    g.syslog_facility | prio[level], months + 3 * (month - 1),
	    stamp[8] == '0' ? ' ' : stamp[8], stamp[9], stamp + 11, g.prog,
	    (long)getpid(), level_letter[level]);
	n = format_message(msg, n, sizeof(msg), flags, err, fmt, ap);
	if (send(g.syslog_fd, msg, (size_t)n, MSG_NOSIGNAL) == -1 &&
	    connect(g.syslog_fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		(void)send(g.syslog_fd, msg, (size_t)n, MSG_NOSIGNAL);
}

/* Writes one log line "date time prog[pid] L message" in a single write(). */
static void
vlogmsg(int level, const char *fmt, va_list ap)
{
	struct timeval tv;
	char line[1024];
	int n, err = errno, flags = level;

	level &= ~(L_ALWAYS | L_ERRNO | L_FINAL);
	if (level == L_ERROR && g.retrying && !(flags & L_FINAL))
		level = L_NOTICE;
	if (level < g.loglevel && !(flags & L_ALWAYS))
		return;
	if (g.syslog == LOG_TO_SYSLOG) {
		syslog_line(level, flags, err, fmt, ap);
		return;
	}
	gettimeofday(&tv, NULL);
	n = format_time(tv.tv_sec, line);
	if (g.logusec)
		n += snprintf(line + n, sizeof(line) - n, ".%06ld", (long)tv.tv_usec);
	if (g.loghost != NULL)
		n += snprintf(line + n, sizeof(line) - n, " %.64s", g.loghost);
	n += snprintf(line + n, sizeof(line) - n, " %s[%ld] %c ", g.prog,
	    (long)getpid(), level_letter[level]);
	n = format_message(line, n, sizeof(line), flags, err, fmt, ap);
	(void)!write(g.logfd, line, n);
}

static void __attribute__((format(printf, 2, 3)))
logmsg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogmsg(level, fmt, ap);
	va_end(ap);
}

/*
 * For an option that could not be applied, once that is logged: -1, or
 * 0 under -s, where relay goes on as socat does.
 */
static int
option_failed(void)
{
	return g.sloppy ? 0 : -1;
}

/* Logs an E message and exits with status 1. */
static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogmsg(L_ERROR, fmt, ap);
	va_end(ap);
	relay_exit(1);
}

/*
 * -lm: start-up messages went to stderr; from the transfer (or a fork
 * listener's first accept) on, they go to syslog, as in socat.
 */
static void
mixed_log_switch(void)
{
	if (g.syslog == LOG_TO_SYSLOG_LATER)
		g.syslog = LOG_TO_SYSLOG;
}

/* Returns the syslog facility called name (default daemon), or -1. */
static int
syslog_facility(const char *name)
{
	static const struct { const char *name; int facility; } f[] = {
		{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
		{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
		{ "kern", LOG_KERN }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 }, { "lpr", LOG_LPR }, { "mail", LOG_MAIL },
		{ "news", LOG_NEWS }, { "syslog", LOG_SYSLOG }, { "user", LOG_USER },
		{ "uucp", LOG_UUCP },
	};
	size_t i;

	if (*name == '\0')
		return LOG_DAEMON;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strcasecmp(f[i].name, name) == 0)
			return f[i].facility;
	return -1;
}

/* Notes path in list (n entries) for removal when relay ends. */
static void
note_cleanup(struct cleanup_name *list, int n, const char *path)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i].path == NULL) {
			list[i].pid = getpid();
			if ((list[i].path = strdup(path)) != NULL)
				return;
			break;
		}
	logmsg(L_WARN, "\"%s\" will not be removed at exit", path);
}

/* Notes path for removal when relay ends (see cleanup_paths). */
static void
add_cleanup(const char *path)
{
	note_cleanup(cleanup_paths, MAX_CLEANUP, path);
}

#ifdef HAVE_PACKET
/*
 * Puts back the flags of the interfaces that process self changed;
 * async-signal-safe, for cleanup().
 */
static void
restore_if_flags(pid_t self)
{
	struct ifreq ifr;
	int i, s = -1;

	for (i = 0; i < MAX_IF_SAVED; i++) {
		if (if_saved[i].name[0] == '\0' || if_saved[i].pid != self)
			continue;
		if (s == -1 && (s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
			return;
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, if_saved[i].name, sizeof(if_saved[i].name));
		ifr.ifr_flags = if_saved[i].flags;
		(void)ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (s != -1)
		close(s);
}
#endif

/*
 * Removes the files relay made and restores the terminals it changed;
 * async-signal-safe, for the fatal signal handler too.
 */
static void
cleanup(void)
{
	pid_t self = getpid();
	int i;

	/* A program that still runs would outlive relay: end it, as socat. */
	for (i = 0; i < nprograms; i++)
		if (!programs[i].done && !programs[i].keep &&
		    programs[i].parent == self)
			(void)kill(programs[i].pid, SIGTERM);
	/*
	 * Last saved first: where stdin and stdout are one terminal, the
	 * settings saved for stdout are stdin's raw ones, and stdin's (the
	 * original) must be the last word.
	 */
	for (i = MAX_TTYS - 1; i >= 0; i--)
		if (tty_saved[i].fd != -1 && tty_saved[i].pid == self)
			(void)tcsetattr(tty_saved[i].fd, TCSADRAIN, &tty_saved[i].saved);
	for (i = 0; i < MAX_CLEANUP; i++)
		if (cleanup_paths[i].path != NULL && cleanup_paths[i].pid == self)
			(void)unlink(cleanup_paths[i].path);
#ifdef HAVE_POSIXMQ
	for (i = 0; i < MAX_MQ_CLEANUP; i++)
		if (cleanup_mqs[i].path != NULL && cleanup_mqs[i].pid == self)
			(void)mq_unlink(cleanup_mqs[i].path);
#endif
#ifdef HAVE_PACKET
	restore_if_flags(self);
#endif
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */
/* ------------------------------------------------------------------ */

#define FIELD(f)	offsetof(struct addr_settings, f)
#define SOCKOPT(l, n)	OA_SOCKOPT, (l), (n), 0
#define SETTING(f)	OA_FIELD, 0, 0, FIELD(f)
#define IFFLAG(f)	OA_IFFLAG, 0, (f), 0
#define OFLAG(f)	OA_OFLAG, 0, (f), 0

/* Address options, sorted by name. */
const struct opt_desc opt_descs[] = {
	{ "accept-timeout", "listen-timeout", G_LISTEN, PH_ACCEPT, OT_TIME,
	    SETTING(accept_timeout), "<seconds>" },
	{ "append", "o-append", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_APPEND), NULL },
	/* (open() takes O_ASYNC but does not set the signal up: fcntl().) */
	{ "async", "o-async", G_FD, PH_OPEN, OT_BOOL,
	    SETTING(async), NULL },
	{ "backlog", NULL, G_LISTEN, PH_OPEN, OT_INT,
	    SETTING(backlog), "<count>" },
	{ "bind", NULL, G_IP | G_CONNECT, PH_OPEN, OT_STRING,
	    SETTING(bind), "<[host][:port]|path>" },
#ifdef SO_BINDTODEVICE
	{ "bindtodevice", "so-bindtodevice if interface", G_SOCKET, PH_PREBIND,
	    OT_STRING, SETTING(device), "<interface>" },
#endif
	{ "broadcast", "so-broadcast", G_SOCKET, PH_PREBIND, OT_BOOL,
	    SOCKOPT(SOL_SOCKET, SO_BROADCAST), NULL },
	{ "cfmakeraw", "rawer termios-cfmakeraw termios-rawer",
	    G_TERMIOS, PH_OPEN, OT_BOOL, SETTING(rawer), NULL },
	{ "chdir", "cd", G_FD, PH_OPEN, OT_STRING,
	    SETTING(chdir), "<directory>" },
	{ "clocal", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 3, CLOCAL, 0, "<0|1>" },
	{ "cloexec", NULL, G_FD, PH_OPEN, OT_BOOL,
	    SETTING(cloexec), NULL },
	{ "connect-timeout", NULL, G_CONNECT, PH_OPEN, OT_TIME,
	    SETTING(connect_timeout), "<seconds>" },
	{ "cool-write", "coolwrite", G_FD, PH_OPEN, OT_BOOL,
	    SETTING(cool_write), NULL },
	{ "cork", "tcp-cork", G_TCP, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_TCP, TCP_CORK), NULL },
	{ "cread", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 3, CREAD, 0, "<0|1>" },
	{ "creat", "create o-creat o-create o_creat o_create",
	    G_FILE, PH_OPEN, OT_BOOL, OFLAG(O_CREAT), NULL },
	{ "crnl", "crlf", G_FD, PH_OPEN, OT_BOOL,
	    SETTING(crnl), NULL },
#ifdef CRTSCTS
	{ "crtscts", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 3, CRTSCTS, 0, "<0|1>" },
#endif
	{ "csize", NULL, G_TERMIOS, PH_OPEN, OT_INT,
	    OA_TERMIOS, 3, CSIZE, 0, "<0-3> (also cs5..cs8)" },
	{ "cstopb", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 3, CSTOPB, 0, "<0|1>" },
	{ "ctty", "tiocsctty", G_SESSION, PH_OPEN, OT_BOOL,
	    SETTING(ctty), NULL },
	{ "debug", "so-debug", G_SOCKET, PH_PREBIND, OT_BOOL,
	    SOCKOPT(SOL_SOCKET, SO_DEBUG), NULL },
	{ "defer-accept", "tcp-defer-accept", G_TCP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_TCP, TCP_DEFER_ACCEPT), "<seconds>" },
	{ "dontroute", "so-dontroute", G_SOCKET, PH_PREBIND, OT_BOOL,
	    SOCKOPT(SOL_SOCKET, SO_DONTROUTE), NULL },
	{ "echo", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 2, ECHO, 0, "<0|1>" },
	{ "end-close", NULL, G_FD, PH_OPEN, OT_BOOL,
	    SETTING(end_close), NULL },
	{ "escape", NULL, G_FD, PH_OPEN, OT_INT,
	    SETTING(escape), "<code>" },
	{ "excl", "o-excl o_excl", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_EXCL), NULL },
	{ "f-setlk-rd", "setlk-rd", G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, LK_SETLK_RD, FIELD(lock), NULL },
	{ "f-setlk-wr", "f-setlk setlk setlk-wr", G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, LK_SETLK_WR, FIELD(lock), NULL },
	{ "f-setlkw-rd", "setlkw-rd", G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, LK_SETLKW_RD, FIELD(lock), NULL },
	{ "f-setlkw-wr", "f-setlkw setlkw setlkw-wr lock lockw", G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, LK_SETLKW_WR, FIELD(lock), NULL },
#ifdef F_SETPIPE_SZ
	{ "f-setpipe-sz", "pipesz", G_FD, PH_OPEN, OT_INT,
	    SETTING(pipesz), "<bytes>" },
#endif
	{ "fdin", NULL, G_PROGRAM, PH_OPEN, OT_INT,
	    SETTING(fdin), "<fd>" },
	{ "fdout", NULL, G_PROGRAM, PH_OPEN, OT_INT,
	    SETTING(fdout), "<fd>" },
	{ "flock-ex", "flock", G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, LK_FLOCK_EX, FIELD(lock), NULL },
	{ "flock-ex-nb", "flock-nb", G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, LK_FLOCK_EX_NB, FIELD(lock), NULL },
	{ "flock-sh", NULL, G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, LK_FLOCK_SH, FIELD(lock), NULL },
	{ "flock-sh-nb", NULL, G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, LK_FLOCK_SH_NB, FIELD(lock), NULL },
	{ "forever", NULL, G_RETRY, PH_OPEN, OT_BOOL,
	    SETTING(forever), NULL },
	{ "fork", NULL, G_CHILD, PH_ACCEPT, OT_BOOL,
	    SETTING(fork), NULL },
	{ "freebind", "ip-freebind ipfreebind", G_IP, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IP, IP_FREEBIND), NULL },
#ifdef FS_IOC_SETFLAGS
	{ "fs-append", "ext2-append", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_APPEND_FL, 0, NULL },
	{ "fs-compr", "ext2-compr", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_COMPR_FL, 0, NULL },
	{ "fs-dirsync", "ext2-dirsync", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_DIRSYNC_FL, 0, NULL },
	{ "fs-immutable", "ext2-immutable", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_IMMUTABLE_FL, 0, NULL },
	{ "fs-journal-data", "ext2-journal-data", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_JOURNAL_DATA_FL, 0, NULL },
	{ "fs-noatime", "ext2-noatime ext3-noatime", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_NOATIME_FL, 0, NULL },
	{ "fs-nodump", "ext2-nodump", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_NODUMP_FL, 0, NULL },
	{ "fs-notail", "ext2-notail", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_NOTAIL_FL, 0, NULL },
	{ "fs-secrm", "ext2-secrm", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_SECRM_FL, 0, NULL },
	{ "fs-sync", "ext2-sync", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_SYNC_FL, 0, NULL },
	{ "fs-topdir", "ext2-topdir", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_TOPDIR_FL, 0, NULL },
	{ "fs-unrm", "ext2-unrm", G_FILE, PH_OPEN, OT_BOOL,
	    OA_FSFLAG, 0, FS_UNRM_FL, 0, NULL },
#endif
	{ "ftruncate", "truncate ftruncate32 ftruncate64", G_FILE, PH_OPEN,
	    OT_INT, SETTING(ftruncate), "<length>" },
	{ "group", "owner-group gid", G_NAMED, PH_BOUND, OT_STRING,
	    SETTING(group), "<group>" },
	{ "http-version", NULL, G_HTTP, PH_OPEN, OT_STRING,
	    SETTING(http_version), "<version>" },
	{ "hupcl", "hup", G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 3, HUPCL, 0, "<0|1>" },
	{ "icanon", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 2, ICANON, 0, "<0|1>" },
	{ "icrnl", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 0, ICRNL, 0, "<0|1>" },
	{ "iexten", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 2, IEXTEN, 0, "<0|1>" },
#ifdef HAVE_PACKET	/* the flags of a network interface */
	{ "iff-allmulti", "allmulti", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_ALLMULTI), NULL },
#ifdef IFF_AUTOMEDIA
	{ "iff-automedia", "automedia", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_AUTOMEDIA), NULL },
#endif
	{ "iff-broadcast", NULL, G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_BROADCAST), NULL },
	{ "iff-debug", NULL, G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_DEBUG), NULL },
	{ "iff-loopback", "loopback", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_LOOPBACK), NULL },
#ifdef IFF_MASTER
	{ "iff-master", "master", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_MASTER), NULL },
#endif
	{ "iff-multicast", NULL, G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_MULTICAST), NULL },
	{ "iff-no-pi", "no-pi tun-no-pi", G_TUN, PH_OPEN, OT_BOOL,
	    SETTING(no_pi), NULL },
	{ "iff-noarp", "noarp", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_NOARP), NULL },
	{ "iff-notrailers", "notrailers", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_NOTRAILERS), NULL },
	{ "iff-pointopoint", "pointopoint", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_POINTOPOINT), NULL },
#ifdef IFF_PORTSEL
	{ "iff-portsel", "portsel", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_PORTSEL), NULL },
#endif
	{ "iff-promisc", "promisc", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_PROMISC), NULL },
	{ "iff-running", "running", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_RUNNING), NULL },
#ifdef IFF_SLAVE
	{ "iff-slave", "slave", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_SLAVE), NULL },
#endif
	{ "iff-up", "up", G_INTERFACE, PH_OPEN, OT_BOOL,
	    IFFLAG(IFF_UP), NULL },
#endif
	{ "ignorecr", NULL, G_HTTP, PH_OPEN, OT_BOOL,
	    SETTING(ignorecr), NULL },
	{ "ignoreeof", "ignoreof", G_FD, PH_OPEN, OT_BOOL,
	    SETTING(ignoreeof), NULL },
	{ "interval", "intervall", G_RETRY, PH_OPEN, OT_TIME,
	    SETTING(interval), "<seconds>" },
	{ "ip-add-membership", "add-membership ip-membership membership",
	    G_IP, PH_PREBIND, OT_STRING, SETTING(mcast), "<group:interface>" },
	{ "ipv6-join-group", "ipv6-add-membership join-group", G_IP6,
	    PH_PREBIND, OT_STRING, SETTING(mcast6), "<[group]:interface>" },
	{ "ipv6-recvhoplimit", "recvhoplimit", G_IP6, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IPV6, IPV6_RECVHOPLIMIT), NULL },
	{ "ipv6-recvpktinfo", "recvpktinfo", G_IP6, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IPV6, IPV6_RECVPKTINFO), NULL },
	{ "ipv6-recvtclass", NULL, G_IP6, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IPV6, IPV6_RECVTCLASS), NULL },
	{ "ipv6-tclass", NULL, G_IP6, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_IPV6, IPV6_TCLASS), "<class>" },
	{ "ipv6-v6only", "ipv6only ipv6-ipv6only v6only",
	    G_IP6, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IPV6, IPV6_V6ONLY), "<0|1>" },
	{ "isig", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 2, ISIG, 0, "<0|1>" },
	{ "ispeed", NULL, G_TERMIOS, PH_OPEN, OT_INT,
	    SETTING(ispeed), "<speed_t>" },
	{ "keepalive", "so-keepalive", G_SOCKET, PH_PREBIND, OT_BOOL,
	    SOCKOPT(SOL_SOCKET, SO_KEEPALIVE), NULL },
	{ "keepcnt", "tcp-keepcnt", G_TCP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_TCP, TCP_KEEPCNT), "<count>" },
	{ "keepidle", "tcp-keepidle", G_TCP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_TCP, TCP_KEEPIDLE), "<seconds>" },
	{ "keepintvl", "tcp-keepintvl", G_TCP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_TCP, TCP_KEEPINTVL), "<seconds>" },
	{ "linger", "so-linger", G_SOCKET, PH_PREBIND, OT_INT,
	    SOCKOPT(SOL_SOCKET, SO_LINGER), "<seconds>" },
	{ "linger2", "tcp-linger2", G_TCP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_TCP, TCP_LINGER2), "<seconds>" },
	{ "link", "symbolic-link", G_TERMIOS, PH_OPEN, OT_STRING,
	    SETTING(link), "<path>" },
	{ "lockfile", NULL, G_FD, PH_OPEN, OT_STRING,
	    SETTING(lockfile), "<path>" },
	{ "lowport", NULL, G_IP, PH_ACCEPT, OT_BOOL,
	    SETTING(lowport), NULL },
	{ "max-children", "maxchildren", G_CHILD, PH_ACCEPT, OT_INT,
	    SETTING(max_children), "<count>" },
	{ "maxseg", "tcp-maxseg mss", G_TCP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_TCP, TCP_MAXSEG), "<bytes>" },
	{ "mode", "perm", G_NAMED, PH_BOUND, OT_MODE,
	    SETTING(mode), "<octal>" },
	{ "mtudiscover", "ip-mtu-discover ipmtudiscover", G_IP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_IP, IP_MTU_DISCOVER), "<0|1|2>" },
	{ "nodelay", "tcp-nodelay", G_TCP, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_TCP, TCP_NODELAY), NULL },
	{ "nofork", NULL, G_PROGRAM, PH_OPEN, OT_BOOL,
	    SETTING(nofork), NULL },
	{ "nonblock", "o-nonblock ndelay o-ndelay o_ndelay",
	    G_FD, PH_OPEN, OT_BOOL, OFLAG(O_NONBLOCK), NULL },
	{ "null-eof", NULL, G_SOCKET, PH_OPEN, OT_BOOL,
	    SETTING(null_eof), NULL },
	/* The other open() flags of socat's, for the addresses that open. */
#ifdef O_DIRECT
	{ "o-direct", "direct o_direct", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_DIRECT), NULL },
#endif
	{ "o-directory", "directory o_directory", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_DIRECTORY), NULL },
	{ "o-dsync", "dsync o_dsync", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_DSYNC), NULL },
#ifdef O_LARGEFILE
	{ "o-largefile", "largefile o_largefile", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_LARGEFILE), NULL },
#endif
#ifdef O_NOATIME
	{ "o-noatime", "noatime", G_FD, PH_OPEN, OT_BOOL,
	    OFLAG(O_NOATIME), NULL },
#endif
	{ "o-noctty", "noctty o_noctty", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_NOCTTY), NULL },
	{ "o-nofollow", "nofollow o_nofollow", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_NOFOLLOW), NULL },
	{ "o-rsync", "rsync o_rsync", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_RSYNC), NULL },
	{ "o-sync", "sync o_sync", G_FILE, PH_OPEN, OT_BOOL,
	    OFLAG(O_SYNC), NULL },
	{ "oobinline", "so-oobinline", G_SOCKET, PH_PREBIND, OT_BOOL,
	    SOCKOPT(SOL_SOCKET, SO_OOBINLINE), NULL },
	/* As socat's: on EXEC and SYSTEM, pty; on PTY, what it does anyway. */
	{ "openpty", NULL, G_SESSION, PH_OPEN, OT_BOOL,
	    SETTING(pty), NULL },
	{ "opost", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 1, OPOST, 0, "<0|1>" },
	{ "ospeed", NULL, G_TERMIOS, PH_OPEN, OT_INT,
	    SETTING(ospeed), "<speed_t>" },
	{ "parenb", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 3, PARENB, 0, "<0|1>" },
	{ "parodd", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    OA_TERMIOS, 3, PARODD, 0, "<0|1>" },
	{ "passcred", "so-passcred", G_SOCKET, PH_PREBIND, OT_BOOL,
	    SOCKOPT(SOL_SOCKET, SO_PASSCRED), NULL },
	{ "pf", "protocol-family", G_IP, PH_OPEN, OT_STRING,
	    SETTING(pf), "<ip4|ip6>" },
	{ "pgid", "setpgid", G_PROGRAM, PH_OPEN, OT_INT,
	    SETTING(pgid), "<pgid>" },
	{ "pipes", NULL, G_PROGRAM, PH_OPEN, OT_BOOL,
	    SETTING(pipes), NULL },
	{ "pktinfo", "ip-pktinfo ippktinfo", G_IP, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IP, IP_PKTINFO), NULL },
#ifdef HAVE_POSIXMQ
	{ "posixmq-flush", "mq-flush", G_POSIXMQ, PH_OPEN, OT_BOOL,
	    SETTING(mq_flush), NULL },
	{ "posixmq-maxmsg", "mq-maxmsg", G_POSIXMQ, PH_OPEN, OT_INT,
	    SETTING(mq_maxmsg), "<count>" },
	{ "posixmq-msgsize", "mq-msgsize", G_POSIXMQ, PH_OPEN, OT_INT,
	    SETTING(mq_msgsize), "<bytes>" },
	{ "posixmq-priority", "mq-prio", G_POSIXMQ, PH_OPEN, OT_INT,
	    SETTING(mq_prio), "<priority>" },
#endif
	{ "priority", "so-priority", G_SOCKET, PH_PREBIND, OT_INT,
	    SOCKOPT(SOL_SOCKET, SO_PRIORITY), "<prio>" },
	{ "proxy-authorization", "proxyauth proxy-auth", G_HTTP, PH_OPEN,
	    OT_STRING, SETTING(proxyauth), "<user:password>" },
	{ "proxy-authorization-file", "proxyauthfile", G_HTTP, PH_OPEN,
	    OT_STRING, SETTING(proxyauthfile), "<filename>" },
	{ "proxy-resolve", "resolve resolv", G_HTTP, PH_OPEN, OT_BOOL,
	    SETTING(proxy_resolve), NULL },
	{ "proxyport", NULL, G_HTTP, PH_OPEN, OT_STRING,
	    SETTING(proxyport), "<port>" },
	/* ptmx: as openpty (relay's ptys come from /dev/ptmx either way). */
	{ "ptmx", NULL, G_SESSION, PH_OPEN, OT_BOOL,
	    SETTING(pty), NULL },
	{ "pty", NULL, G_PROGRAM, PH_OPEN, OT_BOOL,
	    SETTING(pty), NULL },
	{ "pty-interval", NULL, G_TERMIOS, PH_OPEN, OT_TIME,
	    SETTING(pty_interval), "<seconds>" },
	{ "quickack", "tcp-quickack", G_TCP, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_TCP, TCP_QUICKACK), NULL },
	{ "range", NULL, G_IPSERVER, PH_ACCEPT, OT_STRING,
	    SETTING(range), "<addr/bits|addr:mask>" },
	{ "raw", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    SETTING(raw), NULL },
	{ "rcvbuf", "so-rcvbuf", G_SOCKET, PH_PREBIND, OT_INT,
	    SOCKOPT(SOL_SOCKET, SO_RCVBUF), "<bytes>" },
	{ "rcvlowat", "so-rcvlowat", G_SOCKET, PH_PREBIND, OT_INT,
	    SOCKOPT(SOL_SOCKET, SO_RCVLOWAT), "<bytes>" },
	{ "rcvtimeo", "so-rcvtimeo", G_SOCKET, PH_PREBIND, OT_TIME,
	    SOCKOPT(SOL_SOCKET, SO_RCVTIMEO), "<seconds>" },
	{ "rdonly", "o-rdonly o_rdonly", G_FILE, PH_OPEN, OT_BOOL,
	    OA_ACCMODE, 0, O_RDONLY, 0, NULL },
	{ "rdwr", "o-rdwr o_rdwr", G_FILE, PH_OPEN, OT_BOOL,
	    OA_ACCMODE, 0, O_RDWR, 0, NULL },
	{ "readbytes", "bytes", G_FD, PH_OPEN, OT_INT,
	    SETTING(readbytes), "<bytes>" },
	{ "recverr", "ip-recverr iprecverr", G_IP, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IP, IP_RECVERR), NULL },
	{ "recvtos", "ip-recvtos iprecvtos", G_IP, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IP, IP_RECVTOS), NULL },
	{ "recvttl", "ip-recvttl iprecvttl", G_IP, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IP, IP_RECVTTL), NULL },
	{ "retry", NULL, G_RETRY, PH_OPEN, OT_INT,
	    SETTING(retry), "<count>" },
	{ "reuseaddr", "so-reuseaddr", G_SOCKET, PH_PREBIND, OT_INT_NULL,
	    SOCKOPT(SOL_SOCKET, SO_REUSEADDR), NULL },
	{ "sane", NULL, G_TERMIOS, PH_OPEN, OT_BOOL,
	    SETTING(sane), NULL },
	{ "setsid", "sid", G_SESSION | G_PROCESS, PH_OPEN, OT_BOOL,
	    SETTING(setsid), NULL },
	/* All set right after socket(), as socat's setsockopt-listen. */
	{ "setsockopt", "setsockopt-bin setsockopt-connected setsockopt-listen "
	    "setsockopt-socket", G_SOCKET, PH_PREBIND, OT_STRING,
	    OA_RAWOPT, 'b', 0, 0, "<level>:<name>:<bytes>" },
	{ "setsockopt-int", NULL, G_SOCKET, PH_PREBIND, OT_STRING,
	    OA_RAWOPT, 'i', 0, 0, "<level>:<name>:<int>" },
	{ "setsockopt-string", NULL, G_SOCKET, PH_PREBIND, OT_STRING,
	    OA_RAWOPT, 's', 0, 0, "<level>:<name>:<string>" },
	{ "shut-close", NULL, G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, SH_CLOSE, FIELD(shut), NULL },
	{ "shut-down", NULL, G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, SH_DOWN, FIELD(shut), NULL },
	{ "shut-none", NULL, G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, SH_NONE, FIELD(shut), NULL },
	{ "shut-null", NULL, G_FD, PH_OPEN, OT_BOOL,
	    OA_CONST, 0, SH_NULL, FIELD(shut), NULL },
	{ "sighup", NULL, G_PROGRAM, PH_OPEN, OT_BOOL,
	    SETTING(sighup), NULL },
	{ "sigint", NULL, G_PROGRAM, PH_OPEN, OT_BOOL,
	    SETTING(sigint), NULL },
	{ "sigquit", NULL, G_PROGRAM, PH_OPEN, OT_BOOL,
	    SETTING(sigquit), NULL },
	{ "sndbuf", "so-sndbuf", G_SOCKET, PH_PREBIND, OT_INT,
	    SOCKOPT(SOL_SOCKET, SO_SNDBUF), "<bytes>" },
	{ "sndlowat", "so-sndlowat", G_SOCKET, PH_PREBIND, OT_INT,
	    SOCKOPT(SOL_SOCKET, SO_SNDLOWAT), "<bytes>" },
	{ "sndtimeo", "so-sndtimeo", G_SOCKET, PH_PREBIND, OT_TIME,
	    SOCKOPT(SOL_SOCKET, SO_SNDTIMEO), "<seconds>" },
	{ "so-protocol", "protocol", G_SOCKET, PH_OPEN, OT_INT,
	    SETTING(protocol), "<number>" },
	{ "so-reuseport", "reuseport", G_SOCKET, PH_PREBIND, OT_BOOL,
	    SOCKOPT(SOL_SOCKET, SO_REUSEPORT), NULL },
	{ "so-type", "socktype type", G_SOCKET, PH_OPEN, OT_INT,
	    SETTING(socktype), "<type>" },
	{ "socksport", NULL, G_SOCKS, PH_OPEN, OT_STRING,
	    SETTING(socksport), "<port>" },
	{ "socksuser", NULL, G_SOCKS, PH_OPEN, OT_STRING,
	    SETTING(socksuser), "<user>" },
	{ "sourceport", "sp", G_IP, PH_ACCEPT, OT_INT,
	    SETTING(sourceport), "<port>" },
	{ "stderr", NULL, G_PROGRAM, PH_OPEN, OT_BOOL,
	    SETTING(stderr_too), NULL },
	{ "su", "su-d substuser substuser-delayed", G_FD, PH_ACCEPT,
	    OT_STRING, SETTING(su), "<user>" },
	{ "syncnt", "tcp-syncnt", G_TCP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_TCP, TCP_SYNCNT), "<count>" },
	{ "timestamp", "so-timestamp", G_SOCKET, PH_PREBIND, OT_BOOL,
	    SOCKOPT(SOL_SOCKET, SO_TIMESTAMP), NULL },
	{ "tos", "ip-tos iptos", G_IP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_IP, IP_TOS), "<tos>" },
	{ "transparent", "ip-transparent", G_IP, PH_PREBIND, OT_BOOL,
	    SOCKOPT(IPPROTO_IP, IP_TRANSPARENT), NULL },
	{ "trunc", "o-trunc", G_FILE, PH_OPEN, OT_BOOL, OFLAG(O_TRUNC), NULL },
	{ "ttl", "ip-ttl ipttl", G_IP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_IP, IP_TTL), "<hops>" },
#ifdef HAVE_PACKET
	{ "tun-device", NULL, G_TUN, PH_OPEN, OT_STRING,
	    SETTING(tun_device), "<device-file>" },
	{ "tun-name", NULL, G_TUN, PH_OPEN, OT_STRING,
	    SETTING(tun_name), "<if-name>" },
	{ "tun-type", NULL, G_TUN, PH_OPEN, OT_STRING,
	    SETTING(tun_type), "<tun|tap>" },
#endif
#ifdef HAVE_UDPLITE
	{ "udplite-recv-cscov", NULL, G_UDPLITE, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_UDPLITE, UDPLITE_RECV_CSCOV), "<bytes>" },
	{ "udplite-send-cscov", NULL, G_UDPLITE, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_UDPLITE, UDPLITE_SEND_CSCOV), "<bytes>" },
#endif
	{ "umask", NULL, G_FD, PH_OPEN, OT_MODE,
	    SETTING(umask), "<octal>" },
	{ "unicast-hops", "ipv6-unicast-hops", G_IP6, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_IPV6, IPV6_UNICAST_HOPS), "<hops>" },
	{ "unix-bind-tempname", "bind-tempname", G_UNIX, PH_OPEN,
	    OT_STRING_NULL, SETTING(bind_tempname), "[<path-XXXXXX>]" },
	{ "unlink-close", NULL, G_NAMED, PH_OPEN, OT_BOOL,
	    SETTING(unlink_close), NULL },
	{ "unlink-early", "new", G_NAMED, PH_OPEN, OT_BOOL,
	    SETTING(unlink_early), NULL },
	{ "user", "owner uid", G_NAMED, PH_BOUND, OT_STRING,
	    SETTING(user), "<user>" },
	{ "wait-slave", "waitslave pty-wait-slave", G_TERMIOS, PH_OPEN, OT_BOOL,
	    SETTING(wait_slave), NULL },
	{ "waitlock", NULL, G_FD, PH_OPEN, OT_STRING,
	    SETTING(waitlock), "<path>" },
	{ "window-clamp", "tcp-window-clamp", G_TCP, PH_PREBIND, OT_INT,
	    SOCKOPT(IPPROTO_TCP, TCP_WINDOW_CLAMP), "<bytes>" },
	{ "wronly", "o-wronly o_wronly", G_FILE, PH_OPEN, OT_BOOL,
	    OA_ACCMODE, 0, O_WRONLY, 0, NULL },
};
const size_t n_opt_descs = sizeof(opt_descs) / sizeof(opt_descs[0]);

static int open_stdio(struct addr *, struct endpoint *);
static int open_inet_connect(struct addr *, struct endpoint *);
static int open_inet_listen(struct addr *, struct endpoint *);
static int open_unix_connect(struct addr *, struct endpoint *);
static int open_unix_listen(struct addr *, struct endpoint *);
static int open_udp(struct addr *, struct endpoint *);
static int open_program(struct addr *, struct endpoint *);
static int open_file(struct addr *, struct endpoint *);
static int open_pipe(struct addr *, struct endpoint *);
static int open_fd(struct addr *, struct endpoint *);
static int open_pty(struct addr *, struct endpoint *);
static int open_accept_fd(struct addr *, struct endpoint *);
#ifdef HAVE_VSOCK
static int open_vsock(struct addr *, struct endpoint *);
#endif
static int open_socks4(struct addr *, struct endpoint *);
static int open_socks5(struct addr *, struct endpoint *);
static int open_http_proxy(struct addr *, struct endpoint *);
#ifdef HAVE_PACKET
static int open_tun(struct addr *, struct endpoint *);
static int open_interface(struct addr *, struct endpoint *);
#endif
#ifdef HAVE_POSIXMQ
static int open_posixmq(struct addr *, struct endpoint *);
#endif
static int open_rawip(struct addr *, struct endpoint *);
static int datagram_peer(const struct addr *, struct endpoint *, int,
    const struct sockaddr *, socklen_t);
static int open_socket(struct addr *, struct endpoint *);

#define GR_TCP		(G_FD | G_SOCKET | G_IP | G_TCP)
#define GR_TCP_C	(GR_TCP | G_CONNECT | G_CHILD)
#define GR_TCP_L	(GR_TCP | G_LISTEN | G_CHILD | G_IPSERVER)
#define GR_UDP		(G_FD | G_SOCKET | G_IP | G_UDP)
#define GR_UDP_C	(GR_UDP | G_CONNECT)
#define GR_UDP_L	(GR_UDP | G_LISTEN | G_CHILD | G_IPSERVER)
#define GR_UDP_D	(GR_UDP_C | G_IPSERVER)	/* DATAGRAM: range= on replies */
#define GR_UNIX_C	(G_FD | G_SOCKET | G_UNIX | G_CONNECT | G_NAMED)
#define GR_UNIX_L	(G_FD | G_SOCKET | G_UNIX | G_LISTEN | G_CHILD | G_NAMED)
#define GR_UNIX_R	(GR_UNIX_L & ~G_CHILD)
#define GR_FILE		(G_FD | G_FILE | G_NAMED | G_TERMIOS)
#define GR_PROG		(G_FD | G_SOCKET | G_PROGRAM | G_TERMIOS | G_SESSION)
#define GR_SOCKS	(GR_TCP_C | G_IP6 | G_SOCKS)
#define GR_RAWIP	(G_FD | G_SOCKET | G_IP)
#define GR_RAWIP_R	(GR_RAWIP | G_LISTEN | G_IPSERVER)	/* IP-RECV */
#define GR_GEN_C	(G_FD | G_SOCKET | G_CONNECT)
#define GR_GEN_R	(G_FD | G_SOCKET | G_LISTEN)
#define GR_GEN_L	(GR_GEN_R | G_CHILD)
#define GR_UDPLITE	(GR_UDP | G_UDPLITE)
#define GR_INET_C	(G_FD | G_SOCKET | G_IP | G_CONNECT | G_CHILD)
#define GR_INET_L	(G_FD | G_SOCKET | G_IP | G_LISTEN | G_CHILD | G_IPSERVER)

/*
 * The rows of the families that are rows on the UDP and TCP openers, one
 * macro a name (the rows stay sorted by name).  g6 is G_IP6 where the
 * address may be IPv6.
 *
 * Raw IP, P-DATAGRAM (P-DGRAM), P-RECV, P-RECVFROM, P-SENDTO (P, P-SEND)
 * for P = IP, IP4, IP6: the protocol is a parameter (struct addr's
 * protocol).
 */
#define RAWIP_ROWS(P, family, g6) \
	{ P "-DATAGRAM", P "-DGRAM", 2, ":<host>:<protocol>", K_SENDTO, \
	    family, SOCK_RAW, 0, GR_RAWIP | G_IPSERVER | g6, TV_ANY_SENDER, \
	    open_rawip }, \
	{ P "-RECV", NULL, 1, ":<protocol>", K_RECV, \
	    family, SOCK_RAW, 0, GR_RAWIP_R | g6, 0, open_rawip }, \
	{ P "-RECVFROM", NULL, 1, ":<protocol>", K_RECVFROM, \
	    family, SOCK_RAW, 0, GR_RAWIP_R | G_CHILD | g6, 0, open_rawip }, \
	{ P "-SENDTO", P " " P "-SEND", 2, ":<host>:<protocol>", K_SENDTO, \
	    family, SOCK_RAW, 0, GR_RAWIP | g6, 0, open_rawip }
/*
 * UDP-Lite, the UDP types with their own protocol: P-CONNECT (P),
 * P-DATAGRAM (P-DGRAM), P-LISTEN (P-L), P-RECV, P-RECVFROM, P-SENDTO
 * (P-SEND) for P = UDPLITE, UDPLITE4, UDPLITE6.
 */
#define UDPLITE_ROWS(P, family, g6) \
	{ P "-CONNECT", P, 2, ":<host>:<port>", K_DGRAM_CONNECT, family, \
	    SOCK_DGRAM, IPPROTO_UDPLITE, GR_UDPLITE | G_CONNECT | g6, 0, \
	    open_udp }, \
	{ P "-DATAGRAM", P "-DGRAM", 2, ":<host>:<port>", K_SENDTO, family, \
	    SOCK_DGRAM, IPPROTO_UDPLITE, GR_UDPLITE | G_CONNECT | \
	    G_IPSERVER | g6, TV_ANY_SENDER, open_udp }, \
	{ P "-LISTEN", P "-L", 1, ":<port>", K_DGRAM_LISTEN, family, \
	    SOCK_DGRAM, IPPROTO_UDPLITE, GR_UDP_L | G_UDPLITE | g6, 0, \
	    open_udp }, \
	{ P "-RECV", NULL, 1, ":<port>", K_RECV, family, SOCK_DGRAM, \
	    IPPROTO_UDPLITE, GR_UDPLITE | G_LISTEN | G_IPSERVER | g6, 0, \
	    open_udp }, \
	{ P "-RECVFROM", NULL, 1, ":<port>", K_RECVFROM, family, SOCK_DGRAM, \
	    IPPROTO_UDPLITE, GR_UDP_L | G_UDPLITE | g6, 0, open_udp }, \
	{ P "-SENDTO", P "-SEND", 2, ":<host>:<port>", K_SENDTO, family, \
	    SOCK_DGRAM, IPPROTO_UDPLITE, GR_UDPLITE | G_CONNECT | g6, 0, \
	    open_udp }
/*
 * A protocol on the TCP openers (SCTP, DCCP): P-CONNECT (P), P-LISTEN
 * (P-L) and their P4- and P6- forms, groups the TCP ones' but for G_TCP's
 * options.
 */
#define INET_STREAM_ROWS(P, socktype, protocol, group) \
	{ P "-CONNECT", P, 2, ":<host>:<port>", K_STREAM_CONNECT, AF_UNSPEC, \
	    socktype, protocol, GR_INET_C | group | G_IP6, 0, \
	    open_inet_connect }, \
	{ P "-LISTEN", P "-L", 1, ":<port>", K_STREAM_LISTEN, AF_UNSPEC, \
	    socktype, protocol, GR_INET_L | group | G_IP6, 0, \
	    open_inet_listen }, \
	{ P "4-CONNECT", P "4", 2, ":<host>:<port>", K_STREAM_CONNECT, \
	    AF_INET, socktype, protocol, GR_INET_C | group, 0, \
	    open_inet_connect }, \
	{ P "4-LISTEN", P "4-L", 1, ":<port>", K_STREAM_LISTEN, AF_INET, \
	    socktype, protocol, GR_INET_L | group, 0, open_inet_listen }, \
	{ P "6-CONNECT", P "6", 2, ":<host>:<port>", K_STREAM_CONNECT, \
	    AF_INET6, socktype, protocol, GR_INET_C | group | G_IP6, 0, \
	    open_inet_connect }, \
	{ P "6-LISTEN", P "6-L", 1, ":<port>", K_STREAM_LISTEN, AF_INET6, \
	    socktype, protocol, GR_INET_L | group | G_IP6, 0, \
	    open_inet_listen }

#define GR_MQ		(G_FD | G_NAMED | G_POSIXMQ)
#define IS_ABSTRACT(a)	((a)->type->variant & TV_ABSTRACT)
/* The raw IP types: a protocol number where the others have a port. */
#define IS_RAWIP(a)	((a)->type->socktype == SOCK_RAW && \
			    ((a)->type->groups & G_IP))

/*
 * Address types, sorted by name.  The TCP and UDP families share their
 * open functions and differ only by row.
 */
const struct addr_type addr_types[] = {
	{ "ABSTRACT-CLIENT", "ABSTRACT", 1, ":<name>", K_STREAM_CONNECT,
	    AF_UNIX, SOCK_STREAM, 0, GR_UNIX_C & ~G_NAMED,
	    TV_ABSTRACT | TV_DGRAM_FALLBACK, open_unix_connect },
	{ "ABSTRACT-CONNECT", NULL, 1, ":<name>", K_STREAM_CONNECT, AF_UNIX,
	    SOCK_STREAM, 0, GR_UNIX_C & ~G_NAMED, TV_ABSTRACT,
	    open_unix_connect },
	{ "ABSTRACT-LISTEN", "ABSTRACT-L", 1, ":<name>", K_STREAM_LISTEN,
	    AF_UNIX, SOCK_STREAM, 0, GR_UNIX_L & ~G_NAMED, TV_ABSTRACT,
	    open_unix_listen },
	{ "ABSTRACT-RECV", NULL, 1, ":<name>", K_RECV, AF_UNIX, SOCK_DGRAM, 0,
	    GR_UNIX_R & ~G_NAMED, TV_ABSTRACT, open_unix_listen },
	{ "ABSTRACT-RECVFROM", NULL, 1, ":<name>", K_RECVFROM, AF_UNIX,
	    SOCK_DGRAM, 0, GR_UNIX_L & ~G_NAMED, TV_ABSTRACT,
	    open_unix_listen },
	{ "ABSTRACT-SENDTO", NULL, 1, ":<name>", K_SENDTO, AF_UNIX, SOCK_DGRAM,
	    0, GR_UNIX_C & ~G_NAMED, TV_ABSTRACT, open_unix_connect },
	{ "ACCEPT-FD", "ACCEPT", 1, ":<fdnum>", K_STREAM_LISTEN, AF_UNSPEC,
	    SOCK_STREAM, 0, G_FD | G_SOCKET | G_LISTEN | G_CHILD | G_IPSERVER,
	    0, open_accept_fd },
	{ "CREATE", "CREAT", 1, ":<filename>", K_FILE, 0, 0, 0,
	    GR_FILE & ~G_TERMIOS, TV_CREATE, open_file },
#ifdef HAVE_DCCP
	INET_STREAM_ROWS("DCCP", SOCK_DCCP, IPPROTO_DCCP, G_DCCP),
#endif
	{ "EXEC", NULL, 1, ":<command-line>", K_PROGRAM, 0, 0, 0, GR_PROG, 0,
	    open_program },
	{ "FD", NULL, 1, ":<num>", K_FD, 0, 0, 0, G_FD | G_TERMIOS,
	    TV_READ | TV_WRITE, open_fd },
	{ "GOPEN", NULL, 1, ":<filename>", K_FILE, 0, 0, 0, GR_FILE, TV_GOPEN,
	    open_file },
#ifdef HAVE_PACKET
	{ "INTERFACE", "IF", 1, ":<interface>", K_PACKET, AF_PACKET, SOCK_RAW,
	    0, G_FD | G_SOCKET | G_INTERFACE, 0, open_interface },
#endif
	RAWIP_ROWS("IP", AF_UNSPEC, G_IP6),
	RAWIP_ROWS("IP4", AF_INET, 0),
	RAWIP_ROWS("IP6", AF_INET6, G_IP6),
	{ "OPEN", "FILE", 1, ":<filename>", K_FILE, 0, 0, 0, GR_FILE, 0,
	    open_file },
	{ "PIPE", "ECHO FIFO", -1, "[:<filename>]", K_PIPE, 0, 0, 0, G_FD | G_NAMED,
	    0, open_pipe },
#ifdef HAVE_POSIXMQ
	{ "POSIXMQ-BIDIRECTIONAL", "POSIXMQ", 1, ":<mqname>", K_MQUEUE,
	    0, 0, 0, GR_MQ, TV_READ | TV_WRITE, open_posixmq },
	{ "POSIXMQ-READ", NULL, 1, ":<mqname>", K_MQUEUE,
	    0, 0, 0, GR_MQ, TV_READ, open_posixmq },
	{ "POSIXMQ-RECEIVE", "POSIXMQ-RECV", 1, ":<mqname>", K_MQUEUE,
	    0, 0, 0, GR_MQ | G_CHILD, TV_READ | TV_ONE_MESSAGE, open_posixmq },
	{ "POSIXMQ-SEND", "POSIXMQ-WRITE", 1, ":<mqname>", K_MQUEUE,
	    0, 0, 0, GR_MQ | G_CHILD, TV_WRITE, open_posixmq },
#endif
	{ "PROXY", "PROXY-CONNECT", 3, ":<proxy-server>:<host>:<port>",
	    K_STREAM_CONNECT, AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP,
	    GR_TCP_C | G_IP6 | G_HTTP, 0, open_http_proxy },
	{ "PTY", NULL, 0, "", K_PTY, 0, 0, 0,
	    G_FD | G_TERMIOS | G_SESSION | G_NAMED, 0, open_pty },
#ifdef HAVE_SCTP
	INET_STREAM_ROWS("SCTP", SOCK_STREAM, IPPROTO_SCTP, G_SCTP),
#endif
	{ "SHELL", NULL, 1, ":<shell-command>", K_PROGRAM, 0, 0, 0, GR_PROG,
	    TV_SHELL, open_program },
	/*
	 * The generic socket types: domain, type and protocol by number,
	 * the address as bytes (parse_bytes()).  CONNECT and LISTEN take no
	 * type: a stream, unless so-type= says otherwise.
	 */
	{ "SOCKET-CONNECT", NULL, 3, ":<domain>:<protocol>:<remote-address>",
	    K_STREAM_CONNECT, AF_UNSPEC, SOCK_STREAM, 0, GR_GEN_C | G_CHILD, 0,
	    open_socket },
	{ "SOCKET-DATAGRAM", "DATAGRAM DGRAM", 4,
	    ":<domain>:<type>:<protocol>:<remote-address>", K_SENDTO,
	    AF_UNSPEC, SOCK_DGRAM, 0, GR_GEN_C | G_IPSERVER, TV_ANY_SENDER,
	    open_socket },
	{ "SOCKET-LISTEN", NULL, 3, ":<domain>:<protocol>:<local-address>",
	    K_STREAM_LISTEN, AF_UNSPEC, SOCK_STREAM, 0, GR_GEN_L | G_IPSERVER, 0,
	    open_socket },
	{ "SOCKET-RECV", NULL, 4, ":<domain>:<type>:<protocol>:<local-address>",
	    K_RECV, AF_UNSPEC, SOCK_DGRAM, 0, GR_GEN_R | G_IPSERVER, 0,
	    open_socket },
	{ "SOCKET-RECVFROM", NULL, 4,
	    ":<domain>:<type>:<protocol>:<local-address>", K_RECVFROM,
	    AF_UNSPEC, SOCK_DGRAM, 0, GR_GEN_L | G_IPSERVER, 0, open_socket },
	{ "SOCKET-SENDTO", "SENDTO", 4,
	    ":<domain>:<type>:<protocol>:<remote-address>", K_SENDTO,
	    AF_UNSPEC, SOCK_DGRAM, 0, GR_GEN_C, 0, open_socket },
	/* so-type= makes it a datagram or SEQPACKET pair. */
	{ "SOCKETPAIR", NULL, 0, "", K_PIPE, 0, 0, 0, G_FD | G_SOCKET,
	    TV_SOCKETPAIR,
	    open_pipe },
	{ "SOCKS4", "SOCKS", 3, ":<socks-server>:<host>:<port>",
	    K_STREAM_CONNECT, AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, GR_SOCKS, 0,
	    open_socks4 },
	{ "SOCKS4A", NULL, 3, ":<socks-server>:<host>:<port>",
	    K_STREAM_CONNECT, AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, GR_SOCKS,
	    TV_SOCKS4A, open_socks4 },
	{ "SOCKS5-CONNECT", "SOCKS5", -4,
	    ":<socks-server>[:<socks-port>]:<host>:<port>", K_STREAM_CONNECT,
	    AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, GR_SOCKS, 0, open_socks5 },
	{ "SOCKS5-LISTEN", "SOCKS5-BIND", -4,
	    ":<socks-server>[:<socks-port>]:<host>:<port>", K_STREAM_CONNECT,
	    AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, GR_SOCKS, TV_SOCKS5_BIND,
	    open_socks5 },
	{ "STDERR", NULL, 0, "", K_FD, 0, 0, 0, G_FD, TV_WRITE, open_fd },
	{ "STDIN", NULL, 0, "", K_STDIO, 0, 0, 0, G_FD | G_TERMIOS | G_PROCESS, TV_READ,
	    open_stdio },
	{ "STDIO", "-", 0, "", K_STDIO, 0, 0, 0, G_FD | G_TERMIOS | G_PROCESS,
	    TV_READ | TV_WRITE, open_stdio },
	{ "STDOUT", NULL, 0, "", K_STDIO, 0, 0, 0, G_FD | G_TERMIOS | G_PROCESS, TV_WRITE,
	    open_stdio },
	{ "SYSTEM", NULL, 1, ":<shell-command>", K_PROGRAM, 0, 0, 0, GR_PROG,
	    TV_SYSTEM, open_program },
	{ "TCP", "TCP-CONNECT INET", 2, ":<host>:<port>", K_STREAM_CONNECT,
	    AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, GR_TCP_C | G_IP6, 0,
	    open_inet_connect },
	{ "TCP-LISTEN", "TCP-L INET-LISTEN INET-L", 1, ":<port>",
	    K_STREAM_LISTEN, AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP,
	    GR_TCP_L | G_IP6, 0, open_inet_listen },
	{ "TCP4", "TCP4-CONNECT INET4", 2, ":<host>:<port>", K_STREAM_CONNECT,
	    AF_INET, SOCK_STREAM, IPPROTO_TCP, GR_TCP_C, 0,
	    open_inet_connect },
	{ "TCP4-LISTEN", "TCP4-L INET4-LISTEN INET4-L", 1, ":<port>",
	    K_STREAM_LISTEN, AF_INET, SOCK_STREAM, IPPROTO_TCP,
	    GR_TCP_L, 0, open_inet_listen },
	{ "TCP6", "TCP6-CONNECT INET6", 2, ":<host>:<port>", K_STREAM_CONNECT,
	    AF_INET6, SOCK_STREAM, IPPROTO_TCP, GR_TCP_C | G_IP6, 0,
	    open_inet_connect },
	{ "TCP6-LISTEN", "TCP6-L INET6-LISTEN INET6-L", 1, ":<port>",
	    K_STREAM_LISTEN, AF_INET6, SOCK_STREAM, IPPROTO_TCP,
	    GR_TCP_L | G_IP6, 0, open_inet_listen },
#ifdef HAVE_PACKET
	{ "TUN", NULL, -1, "[:<if-addr>/<bits>]", K_PACKET, 0, 0, 0,
	    G_FD | G_TUN | G_INTERFACE | G_PROCESS, 0, open_tun },
#endif
	{ "UDP", "UDP-CONNECT", 2, ":<host>:<port>", K_DGRAM_CONNECT,
	    AF_UNSPEC, SOCK_DGRAM, IPPROTO_UDP, GR_UDP_C | G_IP6, 0,
	    open_udp },
	{ "UDP-DATAGRAM", "UDP-DGRAM", 2, ":<host>:<port>", K_SENDTO, AF_UNSPEC,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_D | G_IP6, TV_ANY_SENDER,
	    open_udp },
	{ "UDP-LISTEN", "UDP-L", 1, ":<port>", K_DGRAM_LISTEN, AF_UNSPEC,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_L | G_IP6, 0, open_udp },
	{ "UDP-RECV", NULL, 1, ":<port>", K_RECV, AF_UNSPEC, SOCK_DGRAM,
	    IPPROTO_UDP, GR_UDP | G_LISTEN | G_IPSERVER | G_IP6, 0, open_udp },
	{ "UDP-RECVFROM", NULL, 1, ":<port>", K_RECVFROM, AF_UNSPEC,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_L | G_IP6, 0, open_udp },
	{ "UDP-SENDTO", "UDP-SEND", 2, ":<host>:<port>", K_SENDTO, AF_UNSPEC,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_C | G_IP6, 0, open_udp },
	{ "UDP4", "UDP4-CONNECT", 2, ":<host>:<port>", K_DGRAM_CONNECT,
	    AF_INET, SOCK_DGRAM, IPPROTO_UDP, GR_UDP_C, 0, open_udp },
	{ "UDP4-DATAGRAM", "UDP4-DGRAM", 2, ":<host>:<port>", K_SENDTO, AF_INET,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_D, TV_ANY_SENDER, open_udp },
	{ "UDP4-LISTEN", "UDP4-L", 1, ":<port>", K_DGRAM_LISTEN, AF_INET,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_L, 0, open_udp },
	{ "UDP4-RECV", NULL, 1, ":<port>", K_RECV, AF_INET, SOCK_DGRAM,
	    IPPROTO_UDP, GR_UDP | G_LISTEN | G_IPSERVER, 0, open_udp },
	{ "UDP4-RECVFROM", NULL, 1, ":<port>", K_RECVFROM, AF_INET, SOCK_DGRAM,
	    IPPROTO_UDP, GR_UDP_L, 0, open_udp },
	{ "UDP4-SENDTO", "UDP4-SEND", 2, ":<host>:<port>", K_SENDTO, AF_INET,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_C, 0, open_udp },
	{ "UDP6", "UDP6-CONNECT", 2, ":<host>:<port>", K_DGRAM_CONNECT,
	    AF_INET6, SOCK_DGRAM, IPPROTO_UDP, GR_UDP_C | G_IP6, 0, open_udp },
	{ "UDP6-DATAGRAM", "UDP6-DGRAM", 2, ":<host>:<port>", K_SENDTO, AF_INET6,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_D | G_IP6, TV_ANY_SENDER,
	    open_udp },
	{ "UDP6-LISTEN", "UDP6-L", 1, ":<port>", K_DGRAM_LISTEN, AF_INET6,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_L | G_IP6, 0, open_udp },
	{ "UDP6-RECV", NULL, 1, ":<port>", K_RECV, AF_INET6, SOCK_DGRAM,
	    IPPROTO_UDP, GR_UDP | G_LISTEN | G_IPSERVER | G_IP6, 0, open_udp },
	{ "UDP6-RECVFROM", NULL, 1, ":<port>", K_RECVFROM, AF_INET6,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_L | G_IP6, 0, open_udp },
	{ "UDP6-SENDTO", "UDP6-SEND", 2, ":<host>:<port>", K_SENDTO, AF_INET6,
	    SOCK_DGRAM, IPPROTO_UDP, GR_UDP_C | G_IP6, 0, open_udp },
#ifdef HAVE_UDPLITE
	UDPLITE_ROWS("UDPLITE", AF_UNSPEC, G_IP6),
	UDPLITE_ROWS("UDPLITE4", AF_INET, 0),
	UDPLITE_ROWS("UDPLITE6", AF_INET6, G_IP6),
#endif
	{ "UNIX-CLIENT", "UNIX", 1, ":<path>", K_STREAM_CONNECT, AF_UNIX,
	    SOCK_STREAM, 0, GR_UNIX_C, TV_DGRAM_FALLBACK, open_unix_connect },
	{ "UNIX-CONNECT", "LOCAL", 1, ":<path>", K_STREAM_CONNECT, AF_UNIX,
	    SOCK_STREAM, 0, GR_UNIX_C, 0, open_unix_connect },
	{ "UNIX-LISTEN", "UNIX-L", 1, ":<path>", K_STREAM_LISTEN, AF_UNIX,
	    SOCK_STREAM, 0, GR_UNIX_L, 0, open_unix_listen },
	{ "UNIX-RECV", NULL, 1, ":<path>", K_RECV, AF_UNIX, SOCK_DGRAM, 0,
	    GR_UNIX_R, 0, open_unix_listen },
	{ "UNIX-RECVFROM", NULL, 1, ":<path>", K_RECVFROM, AF_UNIX, SOCK_DGRAM,
	    0, GR_UNIX_L, 0, open_unix_listen },
	{ "UNIX-SENDTO", "UNIX-SEND", 1, ":<path>", K_SENDTO, AF_UNIX, SOCK_DGRAM, 0,
	    GR_UNIX_C, 0, open_unix_connect },
#ifdef HAVE_VSOCK
	{ "VSOCK-CONNECT", "VSOCK", 2, ":<cid>:<port>", K_STREAM_CONNECT,
	    AF_VSOCK, SOCK_STREAM, 0, G_FD | G_SOCKET | G_CONNECT, 0,
	    open_vsock },
	{ "VSOCK-LISTEN", "VSOCK-L", 1, ":<port>", K_STREAM_LISTEN, AF_VSOCK,
	    SOCK_STREAM, 0, G_FD | G_SOCKET | G_LISTEN | G_CHILD, 0,
	    open_vsock },
#endif
};
const size_t n_addr_types = sizeof(addr_types) / sizeof(addr_types[0]);

/*
 * socat's compile-time features, in the order of socat 1.8's -V, which
 * scripts probe ("#define WITH_TCP 1").  A feature is there when relay has
 * the address type (FEAT_TYPE) or option (FEAT_OPTION) named as its probe,
 * so a new table row shows up here by itself; FEAT_ALWAYS: part of relay
 * without one row to show it; FEAT_NEVER: no such thing in relay.
 */
enum feat_probe { FEAT_ALWAYS, FEAT_TYPE, FEAT_OPTION, FEAT_NEVER };
static const struct feature {
	const char	*name;
	unsigned char	 probe;		/* enum feat_probe */
	const char	*row;		/* the type or option that shows it */
} features[] = {
	{ "HELP", FEAT_ALWAYS, NULL }, { "STATS", FEAT_ALWAYS, NULL },
	{ "STDIO", FEAT_TYPE, "STDIO" }, { "FDNUM", FEAT_TYPE, "FD" },
	{ "FILE", FEAT_TYPE, "OPEN" }, { "CREAT", FEAT_TYPE, "CREATE" },
	{ "GOPEN", FEAT_TYPE, "GOPEN" }, { "TERMIOS", FEAT_OPTION, "icanon" },
	{ "PIPE", FEAT_TYPE, "PIPE" }, { "SOCKETPAIR", FEAT_TYPE, "SOCKETPAIR" },
	{ "UNIX", FEAT_TYPE, "UNIX-CONNECT" },
	{ "ABSTRACT_UNIXSOCKET", FEAT_TYPE, "ABSTRACT-CONNECT" },
	{ "IP4", FEAT_ALWAYS, NULL }, { "IP6", FEAT_ALWAYS, NULL },
	{ "RAWIP", FEAT_TYPE, "IP-SENDTO" },
	{ "GENERICSOCKET", FEAT_TYPE, "SOCKET-CONNECT" },
	{ "INTERFACE", FEAT_TYPE, "INTERFACE" },
	{ "TCP", FEAT_TYPE, "TCP-CONNECT" }, { "UDP", FEAT_TYPE, "UDP-CONNECT" },
	{ "SCTP", FEAT_TYPE, "SCTP-CONNECT" }, { "DCCP", FEAT_TYPE, "DCCP-CONNECT" },
	{ "UDPLITE", FEAT_TYPE, "UDPLITE-CONNECT" },
	{ "LISTEN", FEAT_ALWAYS, NULL }, { "POSIXMQ", FEAT_TYPE, "POSIXMQ-READ" },
	{ "SOCKS4", FEAT_TYPE, "SOCKS4" }, { "SOCKS4A", FEAT_TYPE, "SOCKS4A" },
	{ "SOCKS5", FEAT_TYPE, "SOCKS5-CONNECT" },
	{ "VSOCK", FEAT_TYPE, "VSOCK-CONNECT" },
	{ "NAMESPACES", FEAT_OPTION, "netns" }, { "PROXY", FEAT_TYPE, "PROXY" },
	{ "SYSTEM", FEAT_TYPE, "SYSTEM" }, { "SHELL", FEAT_TYPE, "SHELL" },
	{ "EXEC", FEAT_TYPE, "EXEC" }, { "READLINE", FEAT_TYPE, "READLINE" },
	{ "TUN", FEAT_TYPE, "TUN" }, { "PTY", FEAT_TYPE, "PTY" },
	{ "OPENSSL", FEAT_TYPE, "OPENSSL" }, { "FIPS", FEAT_NEVER, NULL },
	{ "LIBWRAP", FEAT_OPTION, "tcpwrap" }, { "SYCLS", FEAT_NEVER, NULL },
	{ "FILAN", FEAT_NEVER, NULL }, { "RETRY", FEAT_OPTION, "retry" },
	{ "DEVTESTS", FEAT_NEVER, NULL },
};

/* Returns nonzero when name is one of the space-separated words in list. */
static int
name_in_list(const char *name, const char *list)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; p != NULL && *p != '\0'; p += strcspn(p, " ")) {
		p += strspn(p, " ");
		if (strncasecmp(p, name, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* Returns the address type called name (or an alias of it), or NULL. */
const struct addr_type *
find_addr_type(const char *name)
{
	size_t i;

	for (i = 0; i < n_addr_types; i++)
		if (strcasecmp(addr_types[i].name, name) == 0 ||
		    name_in_list(name, addr_types[i].aliases))
			return &addr_types[i];
	return NULL;
}

/* Returns the option called name (or an alias of it), or NULL. */
const struct opt_desc *
find_option(const char *name)
{
	size_t i;

	for (i = 0; i < n_opt_descs; i++)
		if (strcasecmp(opt_descs[i].name, name) == 0 ||
		    name_in_list(name, opt_descs[i].aliases))
			return &opt_descs[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

/*
 * Cuts the next token off *sp, the way socat does: it ends at the first
 * character of ends that is outside quotes and outside (), [] and {}.
 * Quotes are removed ('...' takes everything literally, "..." allows
 * backslash escapes); brackets stay in the token, so "[::1]" reaches the
 * address parser whole; a backslash takes the next character literally.
 * Returns the token (malloc'd) and leaves *sp at its terminator, or returns
 * NULL with *err set.
 */
char *
lex_token(const char **sp, const char *ends, const char **err)
{
	const char *s = *sp;
	char nest[64];		/* closing brackets still expected */
	size_t depth = 0, n = 0;
	char *tok;
	char quote = 0;

	tok = malloc(strlen(s) + 1);
	if (tok == NULL) {
		*err = "out of memory";
		return NULL;
	}
	for (; *s != '\0'; s++) {
		if (quote == '\'') {
			if (*s == '\'')
				quote = 0;
			else
				tok[n++] = *s;
			continue;
		}
		if (*s == '\\') {
			if (s[1] == '\0') {
				*err = "trailing backslash";
				goto err;
			}
			tok[n++] = *++s;
			continue;
		}
		if (quote == '"') {
			if (*s == '"')
				quote = 0;
			else
				tok[n++] = *s;
			continue;
		}
		if (*s == '\'' || *s == '"') {
			quote = *s;
			continue;
		}
		if (depth == 0 && strchr(ends, *s) != NULL)
			break;
		if (*s == '(' || *s == '[' || *s == '{') {
			if (depth == sizeof(nest)) {
				*err = "nesting too deep";
				goto err;
			}
			nest[depth++] = *s == '(' ? ')' : *s == '[' ? ']' : '}';
		} else if (depth > 0 && *s == nest[depth - 1]) {
			depth--;
		}
		tok[n++] = *s;
	}
	if (quote != 0) {
		*err = "unbalanced quote";
		goto err;
	}
	if (depth != 0) {
		*err = "unbalanced bracket";
		goto err;
	}
	tok[n] = '\0';
	*sp = s;
	return tok;
err:
	free(tok);
	return NULL;
}

/*
 * Parses a whole int in base (0: as C, with 0x and 0 prefixes) into *v.
 * Returns 0, or -1 if malformed or out of range.
 */
static int
parse_int_base(const char *s, int base, int *v)
{
	char *end;
	long l;

	errno = 0;
	l = strtol(s, &end, base);
	if (*s == '\0' || *end != '\0' || errno != 0 || l < INT_MIN || l > INT_MAX)
		return -1;
	*v = (int)l;
	return 0;
}

/* parse_int_base() in decimal, for ports, fds and the like. */
int
parse_int(const char *s, int *v)
{
	return parse_int_base(s, 10, v);
}

/*
 * Parses seconds as "N" or "N.F" (no sign, no exponent, at most 10^9),
 * into *secs.  Returns 0, or -1 if malformed.  Hand-made rather than
 * strtod(), which would bring a whole float parser into a static binary.
 */
int
parse_time(const char *s, double *secs)
{
	double v = 0, scale = 1;
	const char *p = s;
	int digits = 0;

	for (; *p >= '0' && *p <= '9'; p++, digits++)
		v = v * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			v += (*p - '0') * (scale /= 10);
	if (digits == 0 || *p != '\0' || v > 1e9)
		return -1;
	*secs = v;
	return 0;
}

/*
 * Parses a port: a number (0 only for a listener, which then takes an
 * ephemeral port) or a TCP service name.  Returns 0, or -1 if malformed.
 */
int
parse_port(const char *s, int listen, unsigned short *port)
{
	struct servent *se;
	int v;

	if (isdigit((unsigned char)*s)) {
		if (parse_int(s, &v) == -1 || v < (listen ? 0 : 1) || v > 65535)
			return -1;
		*port = (unsigned short)v;
		return 0;
	}
	if (*s == '\0' || (se = getservbyname(s, "tcp")) == NULL)
		return -1;
	*port = ntohs((unsigned short)se->s_port);
	return 0;
}

/*
 * Resolves host, a name, to its first IPv4 address in *in, as socat does
 * for range= (a name in brackets is refused, as in socat).  Returns 0, or
 * -1 if it does not resolve.
 */
static int
range_name(const char *host, unsigned char in[4])
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	if (*host == '\0' || getaddrinfo(host, NULL, &hints, &res) != 0)
		return -1;
	memcpy(in, &((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr, 4);
	freeaddrinfo(res);
	return 0;
}

/*
 * Parses range=: "addr/bits", "addr:mask" or a lone address, IPv6 in
 * brackets; addr may be a host name, resolved to IPv4 once, here.
 * Returns 0, or -1 if malformed or the name does not resolve.
 */
int
parse_range(const char *s, struct addr *a)
{
	char host[INET6_ADDRSTRLEN + 2], mask[INET6_ADDRSTRLEN];
	const char *sep;
	size_t hlen;
	int bits = -1, i, n;

	memset(mask, 0, sizeof(mask));
	if (*s == '[') {
		if ((sep = strchr(s, ']')) == NULL)
			return -1;
		hlen = (size_t)(sep - s - 1);
		if (hlen >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		sep++;
	} else {
		sep = s + strcspn(s, "/:");
		hlen = (size_t)(sep - s);
		if (hlen >= sizeof(host))
			return -1;
		memcpy(host, s, hlen);
		host[hlen] = '\0';
	}
	if (inet_pton(AF_INET, host, a->range_net) == 1) {
		a->range_family = AF_INET;
		n = 4;
	} else if (inet_pton(AF_INET6, host, a->range_net) == 1) {
		a->range_family = AF_INET6;
		n = 16;
	} else if (*s != '[' && range_name(host, a->range_net) == 0) {
		a->range_family = AF_INET;
		n = 4;
	} else {
		return -1;
	}
	if (*sep == '/') {
		if (parse_int(sep + 1, &bits) == -1 || bits < 0 || bits > n * 8)
			return -1;
	} else if (*sep == ':' && n == 4) {
		if (inet_pton(AF_INET, sep + 1, a->range_mask) != 1)
			return -1;
	} else if (*sep == '\0') {
		bits = n * 8;
	} else {
		return -1;
	}
	if (bits >= 0) {
		memset(a->range_mask, 0, sizeof(a->range_mask));
		for (i = 0; i < bits; i++)
			a->range_mask[i / 8] |= (unsigned char)(0x80 >> (i % 8));
	}
	for (i = 0; i < n; i++)
		a->range_net[i] &= a->range_mask[i];
	return 0;
}

/*
 * Parses TUN's parameter: "addr/bits" or "addr:mask", IPv4, as socat
 * (addr may be a name, resolved as range= resolves one), into *ip and
 * *mask.  Returns 0, or -1 if malformed or the name does not resolve.
 */
int
parse_if_addr(const char *s, struct in_addr *ip, struct in_addr *mask)
{
	char host[256];
	size_t hlen = strcspn(s, "/:");
	int bits;

	if (s[hlen] == '\0' || hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, ip) != 1 &&
	    range_name(host, (unsigned char *)&ip->s_addr) == -1)
		return -1;
	if (s[hlen] == ':')
		return inet_pton(AF_INET, s + hlen + 1, mask) == 1 ? 0 : -1;
	if (parse_int(s + hlen + 1, &bits) == -1 || bits < 0 || bits > 32)
		return -1;
	mask->s_addr = htonl(bits == 0 ? 0 : 0xffffffffU << (32 - bits));
	return 0;
}

/*
 * Parses range= of the generic SOCKET-* types, as socat: "address:mask",
 * each in the bytes notation of their addresses (what follows the family),
 * as long as each other.  Returns 0, or -1 if malformed.
 */
static int
parse_range_bytes(const char *s, struct addr *a)
{
	const char *colon = strchr(s, ':');
	char net[256];
	size_t nlen, mlen, i;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(net))
		return -1;
	memcpy(net, s, (size_t)(colon - s));
	net[colon - s] = '\0';
	if (parse_bytes(net, a->range_net, sizeof(a->range_net), &nlen) == -1 ||
	    parse_bytes(colon + 1, a->range_mask, sizeof(a->range_mask),
	    &mlen) == -1 || nlen != mlen || nlen == 0)
		return -1;
	for (i = 0; i < nlen; i++)
		a->range_net[i] &= a->range_mask[i];
	a->range_bytes = (int)nlen;
	return 0;
}

/* Returns the termios speed for a baud rate, or (speed_t)-1. */
static speed_t
baud_speed(long baud)
{
	static const struct { long baud; speed_t speed; } speeds[] = {
		{ 0, B0 }, { 50, B50 }, { 75, B75 }, { 110, B110 }, { 134, B134 },
		{ 150, B150 }, { 200, B200 }, { 300, B300 }, { 600, B600 },
		{ 1200, B1200 }, { 1800, B1800 }, { 2400, B2400 },
		{ 4800, B4800 }, { 9600, B9600 }, { 19200, B19200 },
		{ 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
		{ 230400, B230400 },
#ifdef B460800
		{ 460800, B460800 }, { 500000, B500000 }, { 921600, B921600 },
		{ 1000000, B1000000 }, { 1500000, B1500000 },
		{ 2000000, B2000000 }, { 3000000, B3000000 },
		{ 4000000, B4000000 },
#endif
	};
	size_t i;

	for (i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].baud == baud)
			return speeds[i].speed;
	return (speed_t)-1;
}

/* Sets a terminal flag (or csize's field of bits) to v.  Returns 0, or -1. */
static int
set_termios_option(struct addr *a, const struct opt_desc *o, int v)
{
	/* csize=0..3: the whole field is CS5..CS8. */
	if (o->type == OT_INT) {
		static const unsigned csize[] = { CS5, CS6, CS7, CS8 };

		if (v < 0 || v > 3) {
			logmsg(L_ERROR, "option %s: invalid value %d", o->name, v);
			return -1;
		}
		a->set.tclr[o->level] |= o->optname;
		a->set.tset[o->level] = (a->set.tset[o->level] & ~o->optname) |
		    csize[v];
		return 0;
	}
	if (v) {
		a->set.tset[o->level] |= o->optname;
		a->set.tclr[o->level] &= ~o->optname;
	} else {
		a->set.tclr[o->level] |= o->optname;
		a->set.tset[o->level] &= ~o->optname;
	}
	return 0;
}

/*
 * Applies the number v of a flag or number option o to a, as its row's
 * apply says.  Returns 0, or -1 after logging an E.
 */
static int
set_number_option(struct addr *a, const struct opt_desc *o, int v)
{
	char *field = (char *)&a->set + o->field;

	switch (o->apply) {
	case OA_FIELD:
		*(int *)(void *)field = v;
		return 0;
	case OA_OFLAG:
		a->set.oflags = v ? a->set.oflags | o->optname :
		    a->set.oflags & ~o->optname;
		return 0;
	case OA_ACCMODE:
		if (v)
			a->set.accmode = o->optname;
		return 0;
	case OA_TERMIOS:
		return set_termios_option(a, o, v);
	case OA_CONST:
		if (v)
			*(int *)(void *)field = (int)o->optname;
		return 0;
	case OA_FSFLAG:
		a->set.fsflags = v ? a->set.fsflags | o->optname :
		    a->set.fsflags & ~o->optname;
		return 0;
	case OA_IFFLAG:
		/* iff-up=0 takes the flag away: it is cleared. */
		a->set.iff_set = v ? a->set.iff_set | o->optname :
		    a->set.iff_set & ~o->optname;
		a->set.iff_clr = v ? a->set.iff_clr & ~o->optname :
		    a->set.iff_clr | o->optname;
		return 0;
	case OA_SOCKOPT:
	case OA_RAWOPT:		/* (add_rawopt()'s) */
		break;
	}
	if (a->nsockopts == MAX_SOCKOPTS) {
		logmsg(L_ERROR, "too many socket options");
		return -1;
	}
	a->sockopts[a->nsockopts].desc = o;
	a->sockopts[a->nsockopts++].value = v;
	return 0;
}

/* Returns the byte that a backslash and c stand for in parse_bytes(). */
static unsigned char
escaped(char c)
{
	switch (c) {
	case 'n':	return '\n';
	case 'r':	return '\r';
	case 't':	return '\t';
	case 'f':	return '\f';
	case 'b':	return '\b';
	case 'a':	return '\a';
	case 'e':	return 033;
	case '0':	return 0;
	default:	return (unsigned char)c;
	}
}

/*
 * Parses socat's notation for raw bytes (its "dalan"), which the generic
 * socket addresses and setsockopt= take, into buf (size bytes at most):
 * x and pairs of hex digits; "string" and 'c' with C's escapes (\0 too);
 * i, I, l, L, s, S, b, B and a decimal number as an int, long, short or
 * byte in host order.  White space separates items; an item without its
 * letter is of the kind before it (i at first), so "x0050 7f000001" is six
 * bytes.  Returns 0 with *len set, or -1 if malformed or too long.
 */
int
parse_bytes(const char *s, unsigned char *buf, size_t size, size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	const char *at;
	char kind = 'i', *end;
	size_t n = 0, w;
	long v;

	while (*s != '\0') {
		at = s;
		if (isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (strchr("xiIlLsSbB\"'", *s) != NULL)
			kind = *s++;
		else if (kind == '"' || kind == '\'')
			return -1;	/* text has no default */
		switch (kind) {
		case 'x':
			for (; isxdigit((unsigned char)*s); s += 2) {
				if (!isxdigit((unsigned char)s[1]) || n == size)
					return -1;
				buf[n++] = (unsigned char)(
				    (strchr(hex, tolower((unsigned char)s[0])) - hex) << 4 |
				    (strchr(hex, tolower((unsigned char)s[1])) - hex));
			}
			break;
		case '"':
		case '\'':
			for (w = 0; *s != kind; s++, w++) {
				if (*s == '\0' || n == size)
					return -1;
				if (*s != '\\')
					buf[n++] = (unsigned char)*s;
				else if (*++s != '\0')
					buf[n++] = escaped(*s);
				else
					return -1;
			}
			if (kind == '\'' && w != 1)
				return -1;
			s++;
			break;
		default:
			errno = 0;
			v = strtol(s, &end, 10);
			if (end == s || errno != 0)
				return -1;
			s = end;
			w = kind == 'l' || kind == 'L' ? sizeof(long) :
			    kind == 'i' || kind == 'I' ? sizeof(int) :
			    kind == 's' || kind == 'S' ? sizeof(short) : 1;
			if (n + w > size)
				return -1;
			if (w == sizeof(long))
				memcpy(buf + n, &v, w);
			else if (w == sizeof(int))
				memcpy(buf + n, &(int){ (int)v }, w);
			else if (w == sizeof(short))
				memcpy(buf + n, &(short){ (short)v }, w);
			else
				buf[n] = (unsigned char)v;
			n += w;
		}
		if (s == at)
			return -1;	/* an x with no hex digits after it */
	}
	*len = n;
	return 0;
}

/*
 * Stores setsockopt=level:name:value (or -int, -string: o->level says
 * how the value reads) for apply_sockopts().  Returns 0, or -1 after
 * logging an E.
 */
static int
add_rawopt(struct addr *a, const struct opt_desc *o, const char *value)
{
	struct rawopt *r = &a->rawopts[a->nrawopts];
	const char *p = value;
	char *end;
	size_t len = 0;
	long v;
	int i;

	if (a->nrawopts == MAX_RAWOPTS) {
		logmsg(L_ERROR, "too many socket options");
		return -1;
	}
	memset(r, 0, sizeof(*r));
	for (i = 0; i < 2; i++) {
		errno = 0;
		v = strtol(p, &end, 0);
		if (end == p || *end != ':' || errno != 0 || v < INT_MIN ||
		    v > INT_MAX)
			goto bad;
		*(i == 0 ? &r->level : &r->name) = (int)v;
		p = end + 1;
	}
	if (o->level == 'i') {
		if (parse_int_base(p, 0, &i) == -1)
			goto bad;
		memcpy(r->value, &i, sizeof(i));
		len = sizeof(i);
	} else if (o->level == 's') {
		len = strlen(p) + 1;	/* with its NUL, as socat */
		if (len > sizeof(r->value))
			goto bad;
		memcpy(r->value, p, len);
	} else if (parse_bytes(p, r->value, sizeof(r->value), &len) == -1) {
		goto bad;
	}
	r->len = (socklen_t)len;
	a->nrawopts++;
	return 0;
bad:
	logmsg(L_ERROR, "option \"%s\": invalid value \"%s\"", o->name,
	    value != NULL ? value : "");
	return -1;
}

/*
 * Stores a time for a socket option that takes a struct timeval
 * (so-rcvtimeo, so-sndtimeo) for apply_sockopts().  Returns 0, or -1 after
 * logging an E.
 */
static int
add_time_sockopt(struct addr *a, const struct opt_desc *o, double t)
{
	struct rawopt *r = &a->rawopts[a->nrawopts];
	struct timeval tv;

	if (a->nrawopts == MAX_RAWOPTS) {
		logmsg(L_ERROR, "too many socket options");
		return -1;
	}
	tv.tv_sec = (time_t)t;
	tv.tv_usec = (suseconds_t)((t - (double)tv.tv_sec) * 1e6);
	memset(r, 0, sizeof(*r));
	r->level = o->level;
	r->name = (int)o->optname;
	memcpy(r->value, &tv, sizeof(tv));
	r->len = (socklen_t)sizeof(tv);
	a->nrawopts++;
	return 0;
}

/* Stores value into a's settings or socket options.  Returns 0, or -1. */
static int
set_option(struct addr *a, const struct opt_desc *o, const char *value)
{
	char *field = (char *)&a->set + o->field;
	double t;
	int v = 1;
	char *end;
	long l;

	if (o->apply == OA_RAWOPT)
		return add_rawopt(a, o, value);
	switch (o->type) {
	case OT_INT_NULL:
		/* "reuseaddr=": not set at all. */
		if (value != NULL && *value == '\0')
			return 0;
		/* FALLTHROUGH */
	case OT_BOOL:
	case OT_INT:
		/*
		 * An option's number is C's, as in socat: "escape=0x0f".
		 * A number without a value is 1, as socat's "retry".
		 */
		if (value != NULL && parse_int_base(value, 0, &v) == -1) {
			logmsg(L_ERROR, "option \"%s\": invalid numerical value \"%s\"",
			    o->name, value);
			return -1;
		}
		return set_number_option(a, o, v);
	case OT_TIME:
		if (value == NULL)
			goto missing;
		if (parse_time(value, &t) == -1) {
			logmsg(L_ERROR, "option \"%s\": invalid time \"%s\"",
			    o->name, value);
			return -1;
		}
		if (o->apply == OA_SOCKOPT)
			return add_time_sockopt(a, o, t);
		*(double *)(void *)field = t;
		return 0;
	case OT_STRING:
	case OT_STRING_NULL:
		if (value == NULL && o->type == OT_STRING)
			goto missing;
		if (value == NULL)
			value = "";
		free(*(char **)(void *)field);
		if ((*(char **)(void *)field = strdup(value)) == NULL) {
			logmsg(L_ERROR, "out of memory");
			return -1;
		}
		return 0;
	case OT_MODE:
		if (value == NULL)
			goto missing;
		errno = 0;
		l = strtol(value, &end, 8);
		if (*value == '\0' || *end != '\0' || errno != 0 || l < 0 ||
		    l > 07777) {
			logmsg(L_ERROR, "option \"%s\": invalid mode \"%s\"",
			    o->name, value);
			return -1;
		}
		*(int *)(void *)field = (int)l;
		return 0;
	}
missing:
	logmsg(L_ERROR, "option \"%s\" requires a value", o->name);
	return -1;
}

/*
 * Parses pf= (protocol-family): ip4, ipv4, inet, inet4, ip6, ipv6, inet6,
 * or the number of either, as socat.  Returns 0 with *family set, or -1
 * after logging an E.
 */
static int
parse_family(const char *name, int *family)
{
	int v;

	if (strcasecmp(name, "ip4") == 0 || strcasecmp(name, "ipv4") == 0 ||
	    strcasecmp(name, "inet") == 0 || strcasecmp(name, "inet4") == 0 ||
	    (parse_int_base(name, 0, &v) == 0 && v == AF_INET))
		*family = AF_INET;
	else if (strcasecmp(name, "ip6") == 0 || strcasecmp(name, "ipv6") == 0 ||
	    strcasecmp(name, "inet6") == 0 ||
	    (parse_int_base(name, 0, &v) == 0 && v == AF_INET6))
		*family = AF_INET6;
	else {
		logmsg(L_ERROR, "unknown protocol family \"%s\"", name);
		return -1;
	}
	return 0;
}

/*
 * Parses the protocol of a raw IP address: a number from 0 to 255 (C's
 * notation) into *protocol.  Returns 0, or -1 after logging an E.
 */
int
parse_ip_protocol(const char *s, int *protocol)
{
	if (parse_int_base(s, 0, protocol) == -1 || *protocol < 0 ||
	    *protocol > 255) {
		logmsg(L_ERROR, "invalid IP protocol number \"%s\"", s);
		return -1;
	}
	return 0;
}

/*
 * The two ports of an address that goes through a SOCKS server or an HTTP
 * proxy: the server's (a->port: the SOCKS5 parameter, socksport= or
 * proxyport=, or 1080 and 8080 as in socat) and the target's (the last
 * parameter).  Returns 0, or -1 after logging an E.
 */
static int
parse_proxy_ports(struct addr *a)
{
	const char *server = a->type->groups & G_HTTP ? a->set.proxyport :
	    a->set.socksport;
	const char *target = a->params[a->nparams - 1];

	if (a->nparams == 4)		/* SOCKS5-CONNECT:server:port:host:port */
		server = a->params[1];
	if (server == NULL)
		server = a->type->groups & G_HTTP ? "8080" : "1080";
	if (parse_port(server, 0, &a->port) == -1) {
		logmsg(L_ERROR, "%s: invalid port \"%s\"", a->type->name, server);
		return -1;
	}
	if (parse_port(target, 0, &a->target_port) == -1) {
		logmsg(L_ERROR, "%s: invalid port \"%s\"", a->type->name, target);
		return -1;
	}
	return 0;
}

/* Frees what parse_address() allocated. */
void
free_address(struct addr *a)
{
	int i;

	for (i = 0; i < a->nparams && i < MAX_PARAMS; i++)
		free(a->params[i]);
	free(a->set.bind);
	free(a->set.bind_tempname);
	free(a->set.chdir);
	free(a->set.user);
	free(a->set.group);
	free(a->set.range);
	free(a->set.su);
	free(a->set.link);
	free(a->set.mcast);
	free(a->set.mcast6);
	free(a->set.device);
	free(a->set.lockfile);
	free(a->set.waitlock);
	free(a->set.pf);
	free(a->set.socksport);
	free(a->set.socksuser);
	free(a->set.proxyport);
	free(a->set.proxyauth);
	free(a->set.proxyauthfile);
	free(a->set.http_version);
	free(a->set.tun_device);
	free(a->set.tun_name);
	free(a->set.tun_type);
	if (a->numeric != NULL)
		freeaddrinfo(a->numeric);
	if (a->writer != NULL) {
		free_address(a->writer);
		free(a->writer);
	}
	memset(a, 0, sizeof(*a));
}

/*
 * Finds the "!!" of a dual address, outside quotes and brackets.
 * Returns its offset in text, or -1.
 */
static ptrdiff_t
find_dual(const char *text)
{
	const char *s = text, *err;
	char *tok;

	for (;;) {
		if ((tok = lex_token(&s, "!", &err)) == NULL)
			return -1;	/* parse_address() reports it */
		free(tok);
		if (*s == '\0')
			return -1;
		if (s[1] == '!')
			return s - text;
		s++;
	}
}

/* Sets a's fields to their values when no option says otherwise. */
static void
address_defaults(struct addr *a, const char *text)
{
	memset(a, 0, sizeof(*a));
	a->text = text;
	a->dir = DIR_BOTH;
	a->set.backlog = DEFAULT_BACKLOG;
	a->set.mode = a->set.umask = a->set.fdin = a->set.fdout = -1;
	a->set.cloexec = -1;
	a->set.unlink_close = -1;	/* yes, but for POSIXMQ: see there */
	a->set.accmode = -1;
	a->set.interval = 1;
	a->set.pgid = -1;
	a->set.escape = -1;
	a->set.ispeed = a->set.ospeed = a->set.ftruncate = -1;
}

/*
 * Reads the type and its parameters from *sp into a, up to the options.
 * As in socat, a bare number is an FD and a bare path a GOPEN.  Returns
 * 0, or -1 after logging an E.
 */
static int
parse_type(const char **sp, struct addr *a)
{
	const char *err = NULL;
	char *word;

	if ((word = lex_token(sp, ":,", &err)) == NULL)
		goto lexerr;
	if ((a->type = find_addr_type(word)) == NULL) {
		if (*word != '\0' && strspn(word, "0123456789") == strlen(word))
			a->type = find_addr_type("FD");
		else if (strchr(word, '/') != NULL)
			a->type = find_addr_type("GOPEN");
		if (a->type == NULL) {
			logmsg(L_ERROR, "unknown device/address \"%s\"", word);
			free(word);
			return -1;
		}
		a->params[a->nparams++] = word;
	} else {
		free(word);
	}
	while (**sp == ':') {
		(*sp)++;
		if ((word = lex_token(sp, ":,", &err)) == NULL)
			goto lexerr;
		if (a->nparams == MAX_PARAMS) {
			free(word);
			a->nparams++;
			break;
		}
		a->params[a->nparams++] = word;
	}
	if (a->nparams != a->type->nparams && !(a->type->nparams < 0 &&
	    (a->nparams == -a->type->nparams ||
	    a->nparams == -a->type->nparams - 1))) {
		logmsg(L_ERROR, "%s: wrong number of parameters (%d instead of %d)",
		    a->type->name, a->nparams > MAX_PARAMS ? MAX_PARAMS + 1 :
		    a->nparams, abs(a->type->nparams));
		return -1;
	}
	return 0;
lexerr:
	logmsg(L_ERROR, "address \"%s\": %s", a->text, err);
	return -1;
}

/*
 * Takes the option word=value (value NULL for a bare word) into a, with
 * socat's two spellings outside the option table: b<baud> (b9600) for a
 * terminal's speed and cs5 to cs8 for csize.  Returns 0 (also when -s
 * leaves out an option relay cannot use), or -1 after logging an E.
 */
static int
parse_option(struct addr *a, const char *word, const char *value)
{
	const struct opt_desc *o;
	char csize[2] = "0";

	if ((word[0] == 'b' || word[0] == 'B') && word[1] != '\0' &&
	    strspn(word + 1, "0123456789") == strlen(word + 1) &&
	    value == NULL && (a->type->groups & G_TERMIOS)) {
		if (baud_speed(a->set.baud = atol(word + 1)) == (speed_t)-1) {
			logmsg(L_ERROR, "option \"%s\": unknown speed", word);
			return -1;
		}
		return 0;
	}
	o = find_option(word);
	if (o == NULL && value == NULL && strlen(word) == 3 &&
	    strncasecmp(word, "cs", 2) == 0 && word[2] >= '5' &&
	    word[2] <= '8') {
		csize[0] = (char)(word[2] - 5);
		value = csize;
		o = find_option("csize");
	}
	if (o == NULL)
		logmsg(L_ERROR, "unknown option \"%s\"", word);
	else if ((o->groups & a->type->groups) == 0)
		logmsg(L_ERROR, "option \"%s\" not supported with address "
		    "type \"%s\"", o->name, a->type->name);
	else
		return set_option(a, o, value);
	/* -s: an option relay cannot use is logged and left out. */
	return option_failed();
}

/*
 * Reads the options ",name" and ",name=value" from *sp into a.  Returns
 * 0, or -1 after logging an E.
 */
static int
parse_options(const char **sp, struct addr *a)
{
	const char *err = NULL;
	char *word = NULL, *value = NULL;
	int nopts = 0, rc = -1;

	while (**sp == ',') {
		(*sp)++;
		if (++nopts > MAX_OPTIONS) {
			logmsg(L_ERROR, "address \"%.40s...\": more than %d options",
			    a->text, MAX_OPTIONS);
			goto err;
		}
		if ((word = lex_token(sp, ",=", &err)) == NULL)
			goto lexerr;
		if (**sp == '=') {
			(*sp)++;
			if ((value = lex_token(sp, ",", &err)) == NULL)
				goto lexerr;
		}
		/* socat skips "a,,b", a trailing ',' and ",=x". */
		if (*word != '\0' && parse_option(a, word, value) == -1)
			goto err;
		free(word);
		free(value);
		word = value = NULL;
	}
	rc = 0;
	goto err;
lexerr:
	logmsg(L_ERROR, "address \"%s\": %s", a->text, err);
err:
	free(word);
	free(value);
	return rc;
}

/*
 * Checks what single options cannot: values that depend on the type or on
 * other options, and the forms parsed once here for every later open (the
 * ports, pf=, range=).  Returns 0, or -1 after logging an E.
 */
static int
check_address(struct addr *a)
{
	if (a->set.pf != NULL && parse_family(a->set.pf, &a->family) == -1)
		return -1;
	if (a->type->groups & (G_SOCKS | G_HTTP)) {
		if (parse_proxy_ports(a) == -1)
			return -1;
	} else if (IS_RAWIP(a)) {
		if (parse_ip_protocol(a->params[a->nparams - 1],
		    &a->protocol) == -1)
			return -1;
	} else if (a->type->groups & G_IP) {
		int listen = a->type->nparams == 1;
		const char *p = a->params[listen ? 0 : 1];

		/* Port 0 for a SENDTO too, as socat: test.sh probes so. */
		if (parse_port(p, listen || a->type->kind == K_SENDTO,
		    &a->port) == -1) {
			logmsg(L_ERROR, "%s: invalid port \"%s\"", a->type->name, p);
			return -1;
		}
	}
	/* SOCKET-*'s range= is bytes, as its addresses. */
	if (a->set.range != NULL && (a->type->open == open_socket ?
	    parse_range_bytes(a->set.range, a) :
	    parse_range(a->set.range, a)) == -1) {
		logmsg(L_ERROR, "option range: invalid value \"%s\"", a->set.range);
		return -1;
	}
	if (a->set.sourceport < 0 || a->set.sourceport > 65535) {
		logmsg(L_ERROR, "option sourceport: invalid port %d",
		    a->set.sourceport);
		return -1;
	}
	if (a->set.escape < -1 || a->set.escape > 255) {
		logmsg(L_ERROR, "option escape: invalid character code %d",
		    a->set.escape);
		return -1;
	}
	if (a->set.max_children != 0 && !a->set.fork) {
		logmsg(L_ERROR, "option max-children not allowed without option fork");
		return -1;
	}
	if (a->set.backlog < 0 || a->set.max_children < 0) {
		logmsg(L_ERROR, "\"%s\": negative count", a->text);
		return -1;
	}
	return 0;
}

/*
 * Parses "TYPE:param:...,option,option=value" into *a, checking every
 * option against the type's groups; "A!!B" reads A and writes B.
 * Returns 0, or -1 after logging an E.
 */
int
parse_address(const char *text, struct addr *a)
{
	const char *s = text;
	char *atext = NULL;	/* A of "A!!B" */
	ptrdiff_t dual;

	address_defaults(a, text);
	if ((dual = find_dual(text)) >= 0) {
		if ((atext = strndup(text, (size_t)dual)) == NULL ||
		    (a->writer = malloc(sizeof(*a->writer))) == NULL) {
			logmsg(L_ERROR, "out of memory");
			goto err;
		}
		if (parse_address(text + dual + 2, a->writer) == -1) {
			free(a->writer);
			a->writer = NULL;
			goto err;
		}
		if (a->writer->writer != NULL) {
			logmsg(L_ERROR, "address \"%s\": more than one \"!!\"", text);
			goto err;
		}
		a->writer->dir = DIR_WRITE;
		a->dir = DIR_READ;
		a->half = a->writer->half = 1;
		s = atext;
	}
	if (parse_type(&s, a) == -1 || parse_options(&s, a) == -1 ||
	    check_address(a) == -1)
		goto err;
	free(atext);
	return 0;
err:
	free(atext);
	free_address(a);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Opening addresses                                                   */
/* ------------------------------------------------------------------ */

/* Formats sa as socat does ("AF=2 1.2.3.4:80").  Returns buf. */
static const char *
format_sockaddr(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];
	const struct sockaddr_in *sin = (const void *)sa;
	const struct sockaddr_in6 *sin6 = (const void *)sa;
	const struct sockaddr_un *sun = (const void *)sa;

	switch (sa->sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, size, "AF=2 %s:%u", host, ntohs(sin->sin_port));
		break;
	case AF_INET6:
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "AF=10 [%s]:%u", host, ntohs(sin6->sin6_port));
		break;
	case AF_UNIX:
		if (len <= offsetof(struct sockaddr_un, sun_path) ||
		    sun->sun_path[0] == '\0')
			snprintf(buf, size, "AF=1 \"<anon>\"");
		else
			snprintf(buf, size, "AF=1 \"%.*s\"", (int)(len -
			    offsetof(struct sockaddr_un, sun_path)), sun->sun_path);
		break;
#ifdef HAVE_VSOCK
	case AF_VSOCK:
		snprintf(buf, size, "AF=%d cid:%u port:%u", AF_VSOCK,
		    ((const struct sockaddr_vm *)(const void *)sa)->svm_cid,
		    ((const struct sockaddr_vm *)(const void *)sa)->svm_port);
		break;
#endif
	default:
		snprintf(buf, size, "AF=%d", sa->sa_family);
	}
	return buf;
}

/*
 * ip-add-membership=GROUP:IF: joins fd to the IPv4 multicast group on the
 * interface IF, given by its address or (on Linux) its name, as socat
 * does.  Returns 0, or -1 after logging.
 */
static int
join_group(int fd, const char *spec)
{
	char group[INET_ADDRSTRLEN];
	const char *ifc = strchr(spec, ':');
#ifdef __linux__
	struct ip_mreqn m;
#else
	struct ip_mreq m;
#endif

	memset(&m, 0, sizeof(m));
	errno = EINVAL;
	if (ifc != NULL && (size_t)(ifc - spec) < sizeof(group)) {
		memcpy(group, spec, (size_t)(ifc - spec));
		group[ifc++ - spec] = '\0';
		if (inet_pton(AF_INET, group, &m.imr_multiaddr) == 1 &&
#ifdef __linux__
		    (inet_pton(AF_INET, ifc, &m.imr_address) == 1 ||
		    (m.imr_ifindex = (int)if_nametoindex(ifc)) != 0) &&
#else
		    inet_pton(AF_INET, ifc, &m.imr_interface) == 1 &&
#endif
		    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m,
		    sizeof(m)) == 0)
			return 0;
	}
	logmsg(L_ERROR | L_ERRNO, "ip-add-membership=%s", spec);
	return -1;
}

/*
 * ipv6-join-group=[group]:interface: makes fd a member of the IPv6
 * multicast group on the interface, a name or an index, as socat does.
 * Returns 0, or -1 after logging.
 */
static int
join_group6(int fd, const char *spec)
{
	char group[INET6_ADDRSTRLEN];
	const char *g = spec, *ifc = strrchr(spec, ':');
	size_t len = ifc != NULL ? (size_t)(ifc - spec) : 0;
	struct ipv6_mreq m;
	int index;

	memset(&m, 0, sizeof(m));
	errno = EINVAL;
	if (len >= 2 && g[0] == '[' && g[len - 1] == ']')
		g++, len -= 2;
	if (ifc != NULL && len < sizeof(group)) {
		memcpy(group, g, len);
		group[len] = '\0';
		if ((m.ipv6mr_interface = if_nametoindex(++ifc)) == 0 &&
		    parse_int(ifc, &index) == 0 && index > 0)
			m.ipv6mr_interface = (unsigned)index;
		if (inet_pton(AF_INET6, group, &m.ipv6mr_multiaddr) == 1 &&
		    m.ipv6mr_interface != 0 && setsockopt(fd, IPPROTO_IPV6,
		    IPV6_JOIN_GROUP, &m, sizeof(m)) == 0)
			return 0;
	}
	logmsg(L_ERROR | L_ERRNO, "ipv6-join-group=%s", spec);
	return -1;
}

/*
 * Sets one socket option of the table.  so-linger=N takes a struct linger,
 * on with N seconds, as socat's.  Returns setsockopt()'s result.
 */
static int
set_one_sockopt(int fd, const struct sockopt_val *v)
{
	struct linger l;

	if (v->desc->level == SOL_SOCKET && v->desc->optname == SO_LINGER) {
		l.l_onoff = 1;
		l.l_linger = v->value;
		return setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	return setsockopt(fd, v->desc->level, v->desc->optname, &v->value,
	    sizeof(v->value));
}

/* Applies a's socket options of the given phase to fd.  Returns 0, or -1. */
static int
apply_sockopts(int fd, const struct addr *a, int family, enum opt_phase phase)
{
	const struct sockopt_val *v;
	int i;

	for (i = 0; i < a->nsockopts; i++) {
		v = &a->sockopts[i];
		if (v->desc->phase != phase)
			continue;
		/* ipv6-v6only on a socket that turned out IPv4 is moot. */
		if (v->desc->level == IPPROTO_IPV6 && family != AF_INET6)
			continue;
		if (set_one_sockopt(fd, v) == -1) {
			logmsg(L_ERROR | L_ERRNO, "setsockopt(%d, %s=%d)", fd,
			    v->desc->name, v->value);
			if (option_failed() == -1)
				return -1;
		}
	}
	if (a->set.mcast != NULL && phase == PH_PREBIND &&
	    join_group(fd, a->set.mcast) == -1 && option_failed() == -1)
		return -1;
	if (a->set.mcast6 != NULL && phase == PH_PREBIND &&
	    join_group6(fd, a->set.mcast6) == -1 && option_failed() == -1)
		return -1;
#ifdef SO_BINDTODEVICE
	if (a->set.device != NULL && phase == PH_PREBIND &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, a->set.device,
	    (socklen_t)strlen(a->set.device) + 1) == -1) {
		logmsg(L_ERROR | L_ERRNO,
		    "setsockopt(%d, so-bindtodevice=\"%s\")", fd, a->set.device);
		if (option_failed() == -1)
			return -1;
	}
#endif
	for (i = 0; phase == PH_PREBIND && i < a->nrawopts; i++)
		if (setsockopt(fd, a->rawopts[i].level, a->rawopts[i].name,
		    a->rawopts[i].value, a->rawopts[i].len) == -1) {
			logmsg(L_ERROR | L_ERRNO, "setsockopt(%d, %d, %d, %u bytes)",
			    fd, a->rawopts[i].level, a->rawopts[i].name,
			    (unsigned)a->rawopts[i].len);
			if (option_failed() == -1)
				return -1;
		}
	return 0;
}

/*
 * Resolves host (which may be "[v6addr]") and port for the given family.
 * Returns the getaddrinfo() list, or NULL after logging an E.
 */
static struct addrinfo *
resolve(const char *host, unsigned short port, int family, int socktype,
    int passive)
{
	struct addrinfo hints, *res;
	char name[256], serv[8];
	size_t len = strlen(host);
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
	if (host[0] == '[' && len >= 2 && host[len - 1] == ']') {
		if (family == AF_UNSPEC)
			hints.ai_family = AF_INET6;
		hints.ai_flags |= AI_NUMERICHOST;
		snprintf(name, sizeof(name), "%.*s", (int)len - 2, host + 1);
		host = name;
	}
	snprintf(serv, sizeof(serv), "%u", port);
	rc = getaddrinfo(*host != '\0' ? host : NULL, serv, &hints, &res);
	if (rc != 0) {
		logmsg(L_ERROR, "getaddrinfo(\"%s\", \"%s\"): %s", host, serv,
		    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return NULL;
	}
	return res;
}

/*
 * Resolves a's host and port, or takes what prepare_numeric() resolved
 * before the first fork.  Returns the list, or NULL after logging.
 */
static struct addrinfo *
lookup(const struct addr *a, int family, int socktype)
{
	/* A literal address is of its own family, whatever -4 or -6 prefer. */
	if (a->numeric != NULL && ((a->type->family == AF_UNSPEC &&
	    a->family == AF_UNSPEC) || family == a->numeric->ai_family))
		return a->numeric;
	return resolve(a->params[0], a->port, family, socktype, 0);
}

/* Frees what lookup() returned, unless it is a's own. */
static void
release(const struct addr *a, struct addrinfo *res)
{
	if (res != NULL && res != a->numeric)
		freeaddrinfo(res);
}

/*
 * The end of an IP opener: closes fd unless it went to the endpoint (-1)
 * and frees what lookup() and the lookup of bind= returned.  Returns rc.
 */
static int
open_done(const struct addr *a, int fd, struct addrinfo *res,
    struct addrinfo *bres, int rc)
{
	if (fd != -1)
		close(fd);
	release(a, res);
	if (bres != NULL)
		freeaddrinfo(bres);
	return rc;
}

/*
 * The address family a's sockets use: the type's (TCP4, UDP6, ...), else
 * pf='s, else -4's or -6's, else AF_UNSPEC (the host's or bind='s decide).
 */
static int
addr_family(const struct addr *a)
{
	if (a->type->family != AF_UNSPEC)
		return a->type->family;
	return a->family != AF_UNSPEC ? a->family : g.pf;
}

/*
 * Resolves a connecting address's host once, when it is a numeric
 * address: then no child repeats the work.  Names are still resolved per
 * connection, as in socat.
 */
static void
prepare_numeric(struct addr *a)
{
	struct addrinfo hints, *res;
	char serv[8], host[INET6_ADDRSTRLEN];
	const char *p;
	size_t len;

	if (a->writer != NULL)
		prepare_numeric(a->writer);
	if (!(a->type->groups & G_IP) || a->type->nparams != 2)
		return;
	p = a->params[0];
	len = strlen(p);
	if (p[0] == '[' && len > 2 && p[len - 1] == ']')
		p++, len -= 2;		/* "[::1]" */
	if (len >= sizeof(host))
		return;
	memcpy(host, p, len);
	host[len] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = a->type->family;
	hints.ai_socktype = a->type->socktype;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(serv, sizeof(serv), "%u", a->port);
	if (getaddrinfo(host, serv, &hints, &res) == 0)
		a->numeric = res;
}

/*
 * Splits an IP bind= value "[host][:port]" ("[v6]:port" for IPv6) into a
 * host string (into hbuf) and a port.  Returns 0, or -1 after logging.
 */
static int
split_bind(const char *bind, char *hbuf, size_t hsize, unsigned short *port)
{
	const char *colon;
	size_t hlen;

	*port = 0;
	if (bind[0] == '[')
		colon = strchr(bind, ']') ? strchr(strchr(bind, ']'), ':') : NULL;
	else if (strchr(bind, ':') != strrchr(bind, ':'))
		colon = NULL;		/* a bare IPv6 address */
	else
		colon = strchr(bind, ':');
	hlen = colon != NULL ? (size_t)(colon - bind) : strlen(bind);
	if (hlen >= hsize || (colon != NULL && parse_port(colon + 1, 1, port) == -1)) {
		logmsg(L_ERROR, "bind: invalid address \"%s\"", bind);
		return -1;
	}
	memcpy(hbuf, bind, hlen);
	hbuf[hlen] = '\0';
	return 0;
}

/*
 * Works out the local address a client is to bind to (bind_client() binds
 * it): bind='s host and port, with the port of sourceport=.  Returns 1
 * with hbuf and *port filled (lowport picks the port later), 0 if there is
 * nothing to bind to, or -1 after logging.
 */
static int
client_local_address(const struct addr *a, char *hbuf, size_t hsize,
    unsigned short *port)
{
	*port = 0;
	hbuf[0] = '\0';
	if (a->set.bind != NULL &&
	    split_bind(a->set.bind, hbuf, hsize, port) == -1)
		return -1;
	if (a->set.sourceport != 0)
		*port = (unsigned short)a->set.sourceport;
	return a->set.bind != NULL || a->set.sourceport != 0 || a->set.lowport;
}

/*
 * Binds fd, a client's socket about to connect to ai, to bres (bind=), or
 * where bind= names no host (bres NULL) to the wildcard address of ai's
 * family; to port, or with lowport to a free one from 640 to 1023.
 * Returns 0, or -1 after logging.
 */
static int
bind_client(int fd, const struct addrinfo *bres, const struct addrinfo *ai,
    unsigned short port, int lowport)
{
	struct sockaddr_storage sa;
	socklen_t len = bres != NULL ? bres->ai_addrlen : ai->ai_addrlen;
	char buf[128];
	int i;

	memset(&sa, 0, sizeof(sa));
	if (bres != NULL)
		memcpy(&sa, bres->ai_addr, len);
	else
		sa.ss_family = ai->ai_family;
	for (i = 0; i < (lowport ? 384 : 1); i++) {
		if (lowport)	/* from a place of its own, as socat's random */
			port = (unsigned short)(640 + (getpid() + i) % 384);
		/* sin_port and sin6_port lie at the same offset. */
		((struct sockaddr_in *)&sa)->sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&sa, len) == 0)
			return 0;
		if (errno != EADDRINUSE)
			break;
	}
	logmsg(L_ERROR | L_ERRNO, "bind(%d, {%s}, %u)", fd, format_sockaddr(
	    (struct sockaddr *)&sa, len, buf, sizeof(buf)), (unsigned)len);
	return -1;
}

/* Returns the monotonic clock, in seconds. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Returns s seconds as poll()'s milliseconds: rounded up, at least 0 and
 * at most INT_MAX (24.8 days; a longer wait is then a loop of them).
 */
static int
poll_ms(double s)
{
	if (s <= 0)
		return 0;
	return s * 1000 >= INT_MAX ? INT_MAX : (int)(s * 1000 + 0.999);
}

/*
 * Connects fd to sa, within a's connect-timeout if it has one.  A connect
 * interrupted by a signal goes on in the background, so it is waited for
 * like a non-blocking one.  Returns 0, or -1 with errno set.
 */
static int
connect_within(int fd, const struct sockaddr *sa, socklen_t len,
    const struct addr *a)
{
	struct pollfd pfd;
	socklen_t elen = sizeof(int);
	double deadline = 0;
	int err, fl = -1, rc = -1;

	if (a->set.connect_timeout > 0) {
		deadline = now() + a->set.connect_timeout;
		if ((fl = fcntl(fd, F_GETFL)) == -1 ||
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
			return -1;
	}
	if (connect(fd, sa, len) == 0) {
		rc = 0;
		goto out;
	}
	if (errno != EINTR && errno != EINPROGRESS)
		goto out;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	/* A signal does not start the timeout over. */
	while ((err = poll(&pfd, 1, deadline == 0 ? -1 :
	    poll_ms(deadline - now()))) == -1 && errno == EINTR)
		;
	if (err <= 0) {
		errno = err == 0 ? ETIMEDOUT : errno;
		goto out;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
		goto out;
	if (err != 0) {
		errno = err;
		goto out;
	}
	rc = 0;
out:
	err = errno;
	if (fl != -1)
		(void)fcntl(fd, F_SETFL, fl);
	errno = err;
	return rc;
}

/*
 * Makes fd close-on-exec and non-blocking, for the fds socket() or
 * accept4() could not create so.  The transfer loop wants non-blocking
 * sockets: a splice() into a blocking one could stall the other direction.
 * Returns 0, or -1 after logging.
 */
static int
set_fd_flags(int fd)
{
	int fl;

	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    (fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		logmsg(L_ERROR | L_ERRNO, "fcntl(%d)", fd);
		return -1;
	}
	return 0;
}

/* Fills ep for a connected or accepted socket. */
static void
socket_endpoint(struct endpoint *ep, int fd)
{
	ep->rfd = ep->wfd = fd;
	ep->is_socket = 1;
	ep->shut = SHUT_SOCKET;
	ep->listen_fd = -1;
}

/* Whether st asks for any terminal setting. */
static int
termios_wanted(const struct addr_settings *st)
{
	return st->raw || st->rawer || st->sane || st->baud != 0 ||
	    st->ispeed != -1 || st->ospeed != -1 || (st->tset[0] |
	    st->tclr[0] | st->tset[1] | st->tclr[1] | st->tset[2] |
	    st->tclr[2] | st->tset[3] | st->tclr[3]) != 0;
}

/*
 * Applies a's terminal options (raw, sane, echo=, b<baud>, ...) to fd,
 * noting the old settings of a terminal relay does not own so that they
 * come back at exit.  Returns 0, or -1 after logging (fd is no terminal).
 */
static int
apply_termios(int fd, const struct addr *a, int restore)
{
	const struct addr_settings *st = &a->set;
	struct termios t;
	int i;

	if (!termios_wanted(st))
		return 0;
	if (tcgetattr(fd, &t) == -1) {
		logmsg(L_ERROR | L_ERRNO, "tcgetattr(%d)", fd);
		return option_failed();
	}
	for (i = 0; restore && i < MAX_TTYS; i++)
		if (tty_saved[i].fd == -1 || tty_saved[i].fd == fd) {
			if (tty_saved[i].fd == -1)
				tty_saved[i].saved = t;
			tty_saved[i].fd = fd;
			tty_saved[i].pid = getpid();
			break;
		}
	if (st->sane) {
		t.c_iflag |= BRKINT | ICRNL | IXON;
		t.c_oflag |= OPOST | ONLCR;
		t.c_lflag |= ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK;
	}
	if (st->raw || st->rawer) {
		/*
		 * socat's raw leaves echo (and IEXTEN) as they were: a known
		 * trap, "raw,echo=0" is what turns echo off.  rawer and
		 * cfmakeraw clear them too.
		 */
		tcflag_t kept = st->rawer ? 0 : t.c_lflag & (ECHO | IEXTEN);

		cfmakeraw(&t);
		t.c_lflag |= kept;
	}
	/* Cleared first: csize clears its whole field and sets a value. */
	t.c_iflag = (t.c_iflag & ~(tcflag_t)st->tclr[0]) | st->tset[0];
	t.c_oflag = (t.c_oflag & ~(tcflag_t)st->tclr[1]) | st->tset[1];
	t.c_lflag = (t.c_lflag & ~(tcflag_t)st->tclr[2]) | st->tset[2];
	t.c_cflag = (t.c_cflag & ~(tcflag_t)st->tclr[3]) | st->tset[3];
	if (st->baud != 0 && (cfsetispeed(&t, baud_speed(st->baud)) == -1 ||
	    cfsetospeed(&t, baud_speed(st->baud)) == -1)) {
		logmsg(L_ERROR | L_ERRNO, "cfsetspeed(%ld)", st->baud);
		return option_failed();
	}
	/* socat's trap, kept: the value is a speed_t code (13 is B9600). */
	if ((st->ispeed != -1 && cfsetispeed(&t, (speed_t)st->ispeed) == -1) ||
	    (st->ospeed != -1 && cfsetospeed(&t, (speed_t)st->ospeed) == -1)) {
		logmsg(L_ERROR | L_ERRNO, "cfset%sspeed(%d)",
		    st->ispeed != -1 ? "i" : "o",
		    st->ispeed != -1 ? st->ispeed : st->ospeed);
		return option_failed();
	}
	if (tcsetattr(fd, TCSANOW, &t) == -1) {
		logmsg(L_ERROR | L_ERRNO, "tcsetattr(%d)", fd);
		return option_failed();
	}
	return 0;
}

/*
 * Fills ep for fds relay did not create.  An EOF is passed on to a socket
 * with shutdown(), to a pipe by closing it, and not at all to a tty or a
 * file.
 */
static void
fd_endpoint(struct endpoint *ep, int rfd, int wfd)
{
	struct stat st;

	memset(ep, 0, sizeof(*ep));
	ep->rfd = rfd;
	ep->wfd = wfd;
	ep->listen_fd = -1;
	ep->shut = SHUT_NOTHING;
	if (wfd != -1 && fstat(wfd, &st) == 0) {
		if (S_ISSOCK(st.st_mode))
			ep->shut = SHUT_SOCKET;
		else if (S_ISFIFO(st.st_mode))
			ep->shut = SHUT_CLOSE;
	}
	if (rfd != -1 && fstat(rfd, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    (wfd == -1 || ep->shut == SHUT_SOCKET))
		ep->is_socket = 1;
}

/* Opens STDIO, STDIN or STDOUT.  Returns 0. */
static int
open_stdio(struct addr *a, struct endpoint *ep)
{
	int r = (a->type->variant & TV_READ) && (a->dir & DIR_READ);
	int w = (a->type->variant & TV_WRITE) && (a->dir & DIR_WRITE);
	int rfd = STDIN_FILENO, wfd = STDOUT_FILENO;

	/*
	 * Used only the other way (a half of "A!!B", -u, -U), STDIN and
	 * STDOUT use their one fd that way, as in socat: STDOUT!!STDIN.
	 */
	if (a->dir == DIR_READ && !(a->type->variant & TV_READ))
		r = 1, rfd = STDOUT_FILENO;
	if (a->dir == DIR_WRITE && !(a->type->variant & TV_WRITE))
		w = 1, wfd = STDIN_FILENO;
	/* Else poll() would wait forever on, say, a pipe's other end. */
	if (r && (fcntl(rfd, F_GETFL) & O_ACCMODE) == O_WRONLY) {
		logmsg(L_ERROR, "read(%d): %s", rfd, strerror(EBADF));
		return -1;
	}
	if (w && (fcntl(wfd, F_GETFL) & O_ACCMODE) == O_RDONLY) {
		logmsg(L_ERROR, "write(%d): %s", wfd, strerror(EBADF));
		return -1;
	}
	/* Terminal options go to both ends in use, as in socat. */
	if ((r && apply_termios(rfd, a, 1) == -1) ||
	    (w && apply_termios(wfd, a, 1) == -1))
		return -1;
	fd_endpoint(ep, r ? rfd : -1, w ? wfd : -1);
	if (r && w)
		logmsg(L_NOTICE, "reading from and writing to stdio");
	else
		logmsg(L_NOTICE, "using %s for %s", (r ? rfd : wfd) ==
		    STDIN_FILENO ? "stdin" : "stdout", r ? "reading" : "writing");
	return 0;
}

/* Opens FD:<n> (or a bare number) and STDERR.  Returns 0, or -1. */
static int
open_fd(struct addr *a, struct endpoint *ep)
{
	int fd = STDERR_FILENO;

	if (a->nparams == 1 && (parse_int(a->params[0], &fd) == -1 ||
	    fd < 0 || fcntl(fd, F_GETFD) == -1)) {
		logmsg(L_ERROR, "FD:%s: %s", a->params[0],
		    fd < 0 || errno != EBADF ? "invalid number" : strerror(EBADF));
		return -1;
	}
	if (apply_termios(fd, a, 1) == -1)
		return -1;
	fd_endpoint(ep, (a->type->variant & TV_READ) && (a->dir & DIR_READ) ?
	    fd : -1, a->dir & DIR_WRITE ? fd : -1);
	return 0;
}

/*
 * Returns the passwd entry of user, a name or (as socat takes it) a
 * number, or NULL.
 */
static struct passwd *
find_user(const char *user)
{
	struct passwd *pw;
	int id;

	if ((pw = getpwnam(user)) == NULL && parse_int(user, &id) == 0 &&
	    id >= 0)
		pw = getpwuid((uid_t)id);
	return pw;
}

/*
 * Gives path (or fd, when not -1) the owner and mode a's options ask for.
 * Returns 0, or -1 after logging.
 */
static int
set_owner_mode(const struct addr *a, const char *path, int fd)
{
	struct passwd *pw;
	struct group *gr;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int id;

	if (a->set.user != NULL) {
		if ((pw = find_user(a->set.user)) != NULL)
			uid = pw->pw_uid;
		else if (parse_int(a->set.user, &id) == 0 && id >= 0)
			uid = (uid_t)id;	/* a number need not be in passwd */
		else {
			logmsg(L_ERROR, "unknown user \"%s\"", a->set.user);
			return option_failed();
		}
	}
	if (a->set.group != NULL) {
		if ((gr = getgrnam(a->set.group)) != NULL)
			gid = gr->gr_gid;
		else if (parse_int(a->set.group, &id) == 0 && id >= 0)
			gid = (gid_t)id;
		else {
			logmsg(L_ERROR, "unknown group \"%s\"", a->set.group);
			return option_failed();
		}
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    (fd != -1 ? fchown(fd, uid, gid) : chown(path, uid, gid)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "chown(\"%s\")", path);
		return option_failed();
	}
	if (a->set.mode != -1 && (fd != -1 ? fchmod(fd, (mode_t)a->set.mode) :
	    chmod(path, (mode_t)a->set.mode)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "chmod(\"%s\", 0%o)", path,
		    (unsigned)a->set.mode);
		return option_failed();
	}
	return 0;
}

/*
 * Cuts the file to ftruncate='s length and adds the fs-* attributes (as
 * chattr does).  Returns 0, or -1 after logging.
 */
static int
apply_file_options(int fd, const struct addr *a)
{
	if (a->set.ftruncate != -1 && ftruncate(fd, a->set.ftruncate) == -1) {
		logmsg(L_ERROR | L_ERRNO, "ftruncate(%d, %d)", fd,
		    a->set.ftruncate);
		return option_failed();
	}
#ifdef FS_IOC_SETFLAGS
	if (a->set.fsflags != 0) {
		int attr;

		if (ioctl(fd, FS_IOC_GETFLAGS, &attr) == -1 ||
		    (attr |= (int)a->set.fsflags,
		    ioctl(fd, FS_IOC_SETFLAGS, &attr)) == -1) {
			logmsg(L_ERROR | L_ERRNO, "ioctl(%d, FS_IOC_SETFLAGS)", fd);
			return option_failed();
		}
	}
#endif
	return 0;
}

/*
 * Takes the lock a's options ask for on fd: flock() or a fcntl() lock on
 * the whole file, waiting or not.  Returns 0, or -1 after logging.
 */
static int
apply_lock(int fd, const struct addr *a)
{
	static const short fl_type[] = { F_RDLCK, F_WRLCK };
	struct flock l;
	int k = a->set.lock, r;

	switch (k) {
	case LK_NONE:
		return 0;
	case LK_FLOCK_EX:
	case LK_FLOCK_EX_NB:
	case LK_FLOCK_SH:
	case LK_FLOCK_SH_NB:
		r = flock(fd, (k == LK_FLOCK_EX || k == LK_FLOCK_EX_NB ?
		    LOCK_EX : LOCK_SH) |
		    (k == LK_FLOCK_EX_NB || k == LK_FLOCK_SH_NB ? LOCK_NB : 0));
		break;
	default:
		memset(&l, 0, sizeof(l));
		l.l_type = fl_type[k == LK_SETLK_WR || k == LK_SETLKW_WR];
		l.l_whence = SEEK_SET;
		r = fcntl(fd, k == LK_SETLK_RD || k == LK_SETLK_WR ? F_SETLK :
		    F_SETLKW, &l);
		break;
	}
	if (r == -1) {
		logmsg(L_ERROR | L_ERRNO, "lock of fd %d", fd);
		return option_failed();
	}
	return 0;
}

/* Returns the open() access mode of a's direction. */
static int
open_accmode(const struct addr *a)
{
	return a->dir == DIR_READ ? O_RDONLY : a->dir == DIR_WRITE ? O_WRONLY :
	    O_RDWR;
}

/*
 * Opens path with flags for a's directions and gives it a's owner, mode
 * and terminal settings.  Returns 0, or -1 after logging.
 */
static int
open_path(struct addr *a, struct endpoint *ep, const char *path, int flags)
{
	int fd;

	flags |= O_CLOEXEC | O_NOCTTY;
	if ((fd = open(path, flags, a->set.mode != -1 ? a->set.mode : 0666)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "open(\"%s\", 0%o)",
		    path, (unsigned)flags);
		return -1;
	}
	/* A terminal gets its settings back at exit, as in socat. */
	if (set_owner_mode(a, path, fd) == -1 || apply_termios(fd, a, 1) == -1 ||
	    apply_file_options(fd, a) == -1) {
		close(fd);
		return -1;
	}
	/*
	 * As in socat, the access mode does not take a direction away: a
	 * read of a write-only file is an error ("relay - CREATE:f" without
	 * -u ends with status 1 after writing f), a known trap kept as is.
	 */
	fd_endpoint(ep, a->dir & DIR_READ ? fd : -1,
	    a->dir & DIR_WRITE ? fd : -1);
	return 0;
}

/*
 * Opens OPEN, CREATE and GOPEN.  GOPEN connects to a UNIX socket and
 * otherwise appends, creating the file if need be, as in socat.
 * Returns 0, or -1 after logging.
 */
static int
open_file(struct addr *a, struct endpoint *ep)
{
	const char *path = a->params[0];
	struct stat st;
	int acc;

	if (a->set.unlink_early && unlink(path) == -1 && errno != ENOENT) {
		logmsg(L_ERROR | L_ERRNO, "unlink(\"%s\")", path);
		return -1;
	}
	if ((a->type->variant & TV_GOPEN) && stat(path, &st) == 0 &&
	    S_ISSOCK(st.st_mode))
		return open_unix_connect(a, ep);
	acc = a->set.accmode;
	if (acc == -1)
		acc = a->type->variant & TV_CREATE ? O_WRONLY : open_accmode(a);
	if (a->type->variant & TV_CREATE)
		acc |= O_CREAT | O_TRUNC;
	else if (a->type->variant & TV_GOPEN)
		acc |= O_CREAT | O_APPEND;
	return open_path(a, ep, path, acc | a->set.oflags);
}

/*
 * Opens PIPE: without a path an unnamed pipe, which echoes; with one a
 * FIFO, created if missing.  Returns 0, or -1 after logging.
 */
static int
open_pipe(struct addr *a, struct endpoint *ep)
{
	/* SOCKETPAIR echoes as PIPE does, over a socketpair. */
	int socketpair_echo = a->type->variant & TV_SOCKETPAIR;
	int p[2];

	if (a->nparams == 0) {
		if ((socketpair_echo ? socketpair(AF_UNIX, a->set.socktype != 0 ?
		    a->set.socktype : SOCK_STREAM, 0, p) : pipe(p)) == -1) {
			logmsg(L_ERROR, "%s(): %s", socketpair_echo ?
			    "socketpair" : "pipe", strerror(errno));
			return -1;
		}
		(void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
		(void)fcntl(p[1], F_SETFD, FD_CLOEXEC);
		fd_endpoint(ep, p[0], p[1]);
		return 0;
	}
	if (mkfifo(a->params[0], a->set.mode != -1 ? a->set.mode : 0666) == 0) {
		/* A FIFO relay made is removed at exit, as socat does. */
		if (a->set.unlink_close)
			add_cleanup(a->params[0]);
		/*
		 * Its owner and mode come before the open, which waits for
		 * the other end: that end may need them to open it at all.
		 */
		if (set_owner_mode(a, a->params[0], -1) == -1)
			return -1;
	} else if (errno != EEXIST) {
		logmsg(L_ERROR | L_ERRNO, "mkfifo(\"%s\")", a->params[0]);
		return -1;
	}
	/* nonblock here is the open's: a reader does not wait for a writer. */
	return open_path(a, ep, a->params[0], open_accmode(a) | a->set.oflags);
}

/*
 * Opens a pseudo terminal: relay holds the master and keeps a slave fd
 * open too, so that clients may come and go on the slave (or its link=)
 * without the master reading EIO.  Returns 0, or -1 after logging.
 */
static int
open_pty(struct addr *a, struct endpoint *ep)
{
	struct pollfd pfd;
	const char *name;
	int master, slave = -1;

	if ((master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1 ||
	    grantpt(master) == -1 || unlockpt(master) == -1 ||
	    (name = ptsname(master)) == NULL) {
		logmsg(L_ERROR | L_ERRNO, "posix_openpt()");
		goto err;
	}
	if (a->set.link != NULL) {
		(void)unlink(a->set.link);
		if (symlink(name, a->set.link) == -1) {
			logmsg(L_ERROR | L_ERRNO, "symlink(\"%s\", \"%s\")",
			    name,
			    a->set.link);
			goto err;
		}
		add_cleanup(a->set.link);
	}
	logmsg(L_NOTICE, "PTY is %s", name);
	if (a->set.wait_slave) {
		/*
		 * A master polls as hung up while no slave is open, but only
		 * once one has been: a fresh master does not.  So open one and
		 * close it, then wait until someone else opens it.
		 */
		if ((slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) != -1)
			close(slave);
		slave = -1;
		pfd.fd = master;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, 0) == -1 ? errno == EINTR :
		    (pfd.revents & POLLHUP) != 0)
			poll(NULL, 0, a->set.pty_interval > 0 ?
			    poll_ms(a->set.pty_interval) : 100);
	}
	if ((slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "open(\"%s\")", name);
		goto err;
	}
	/* user=, group=, mode= give the slave its owner and mode, as socat. */
	if (set_owner_mode(a, name, slave) == -1 ||
	    apply_termios(slave, a, 0) == -1)
		goto err;
	/*
	 * setsid: relay leads a session of its own; ctty: with the pty as
	 * its controlling terminal (socat 1.7.4 and 1.8 accept ctty here but
	 * leave relay without one).
	 */
	if (a->set.setsid && setsid() == -1)
		logmsg(L_WARN | L_ERRNO, "setsid()");
	if (a->set.ctty && ioctl(slave, TIOCSCTTY, 0) == -1) {
		logmsg(L_ERROR | L_ERRNO, "ioctl(%d, TIOCSCTTY)", slave);
		if (option_failed() == -1)
			goto err;
	}
	fd_endpoint(ep, master, master);
	ep->shut = SHUT_NOTHING;	/* a terminal has no half-close */
	/*
	 * With wait-slave the terminal is the client's that came, as in
	 * socat: relay keeps no slave, so that its master reads EOF (EIO)
	 * when that client closes it, and relay ends.
	 */
	if (a->set.wait_slave)
		close(slave);
	return 0;	/* else slave stays open for the life of relay */
err:
	if (slave != -1)
		close(slave);
	if (master != -1)
		close(master);
	return -1;
}

/* Sets the program's variable PREFIX_<which><what> (SOCAT_PEERADDR, ...). */
static void
set_program_var(const char *which, const char *what, const char *value)
{
	size_t size = strlen(g.envprefix) + strlen(which) + strlen(what) + 2;
	char *name;

	/* The prefix is -lp's name, which can be long. */
	if ((name = malloc(size)) == NULL)
		return;
	snprintf(name, size, "%s_%s%s", g.envprefix, which, what);
	setenv(name, value, 1);
	free(name);
}

/* Writes addr into buf (at least 42 bytes) as "[xxxx:...:xxxx]". */
static void
format_ipv6_long(const struct in6_addr *addr, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	int i, n = 0;

	buf[n++] = '[';
	for (i = 0; i < 16; i++) {
		if (i > 0 && i % 2 == 0)
			buf[n++] = ':';
		buf[n++] = hex[addr->s6_addr[i] >> 4];
		buf[n++] = hex[addr->s6_addr[i] & 15];
	}
	buf[n++] = ']';
	buf[n] = '\0';
}

/*
 * Ancillary data: what ip-pktinfo, ip-recvttl, so-timestamp and the like
 * ask the kernel to pass with each datagram received.  relay takes it with
 * recvmsg() on RECV and RECVFROM addresses, logs it as socat does ("I
 * ancillary message: IP_TTL: ttl=64") and gives a program that RECVFROM
 * starts for a datagram its values as SOCAT_IP_TTL and the like.
 */
#define ANC_MAX	512	/* bytes of ancillary data taken with one datagram */

/* Room for ancillary data, aligned for the CMSG_* macros. */
union anc_buf {
	struct cmsghdr	 hdr;
	char		 b[ANC_MAX];
};

/*
 * One value of an ancillary message, as socat names it: the message type
 * ("IP_PKTINFO"), the value's name ("dstaddr") and its program variable
 * ("IP_DSTADDR", SOCAT_IP_DSTADDR).
 */
struct anc_value {
	char	type[16], name[16], var[32], value[96];
};

/* Writes len bytes at p into v's value as socat dumps them: "x0a0b...". */
static void
anc_hex(struct anc_value *v, const unsigned char *p, size_t len)
{
	size_t i, n = 1;

	v->value[0] = 'x';
	for (i = 0; i < len && n + 3 <= sizeof(v->value); i++, n += 2)
		snprintf(v->value + n, 3, "%02x", p[i]);
	v->value[n] = '\0';
}

/*
 * Names v: type, name and variable.  With var NULL the variable is made as
 * socat makes it: the type where it ends in the name (IP_TTL, ttl), else
 * TYPE_NAME (IP_TYPE_8).
 */
static void
anc_name(struct anc_value *v, const char *type, const char *name,
    const char *var)
{
	size_t i, tl = strlen(type), nl = strlen(name);

	snprintf(v->type, sizeof(v->type), "%s", type);
	snprintf(v->name, sizeof(v->name), "%s", name);
	if (var != NULL)
		snprintf(v->var, sizeof(v->var), "%s", var);
	else if (tl >= nl && strcasecmp(type + tl - nl, name) == 0)
		snprintf(v->var, sizeof(v->var), "%s", type);
	else
		snprintf(v->var, sizeof(v->var), "%s_%s", type, name);
	for (i = 0; v->var[i] != '\0'; i++)
		v->var[i] = (char)toupper((unsigned char)v->var[i]);
}

/*
 * Describes ancillary message c as socat 1.8 does, in v[0..2]: the types
 * relay's options ask for by their values, any other as bytes.  Returns
 * the number of values.
 */
static int
describe_cmsg(const struct cmsghdr *c, struct anc_value *v)
{
	const unsigned char *p = CMSG_DATA(c);
	size_t len = c->cmsg_len - (size_t)(p - (const unsigned char *)c);
	char ifname[IF_NAMESIZE] = "", type[16], name[16];
	unsigned u = len == 1 ? p[0] : 0;
	struct timeval tv;
	time_t t;

	if (len >= sizeof(u))
		memcpy(&u, p, sizeof(u));
	if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMP &&
	    len >= sizeof(tv)) {
		memcpy(&tv, p, sizeof(tv));
		t = tv.tv_sec;
		anc_name(v, "SCM_TIMESTAMP", "timestamp", "TIMESTAMP");
		if (ctime_r(&t, v->value) == NULL)
			v->value[0] = '\0';
		len = strcspn(v->value, "\n");
		snprintf(v->value + len, sizeof(v->value) - len,
		    ", %06ld usecs", (long)tv.tv_usec);
		return 1;
	}
	if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
	    len >= sizeof(struct in_pktinfo)) {
		struct in_pktinfo pi;

		memcpy(&pi, p, sizeof(pi));
		(void)if_indextoname((unsigned)pi.ipi_ifindex, ifname);
		anc_name(&v[0], "IP_PKTINFO", "if", "IP_IF");
		snprintf(v[0].value, sizeof(v[0].value), "%s", ifname);
		anc_name(&v[1], "IP_PKTINFO", "locaddr", "IP_LOCADDR");
		inet_ntop(AF_INET, &pi.ipi_spec_dst, v[1].value,
		    sizeof(v[1].value));
		anc_name(&v[2], "IP_PKTINFO", "dstaddr", "IP_DSTADDR");
		inet_ntop(AF_INET, &pi.ipi_addr, v[2].value, sizeof(v[2].value));
		return 3;
	}
	if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
	    len >= sizeof(struct in6_pktinfo)) {
		struct in6_pktinfo pi;

		memcpy(&pi, p, sizeof(pi));
		(void)if_indextoname(pi.ipi6_ifindex, ifname);
		anc_name(&v[0], "IPV6_PKTINFO", "dstaddr", "IPV6_DSTADDR");
		format_ipv6_long(&pi.ipi6_addr, v[0].value);
		anc_name(&v[1], "IPV6_PKTINFO", "if", "IPV6_IF");
		snprintf(v[1].value, sizeof(v[1].value), "%s", ifname);
		return 2;
	}
	/* A byte or an int: TTL, TOS, hop limit, traffic class. */
	if (c->cmsg_level == IPPROTO_IP && (c->cmsg_type == IP_TTL ||
	    c->cmsg_type == IP_TOS) && (len == 1 || len == sizeof(u))) {
		anc_name(v, c->cmsg_type == IP_TTL ? "IP_TTL" : "IP_TOS",
		    c->cmsg_type == IP_TTL ? "ttl" : "tos", NULL);
		snprintf(v->value, sizeof(v->value), "%u", u);
		return 1;
	}
	if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
	    len == sizeof(u)) {
		anc_name(v, "IPV6_HOPLIMIT", "hoplimit", NULL);
		snprintf(v->value, sizeof(v->value), "%d", (int)u);
		return 1;
	}
	if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS &&
	    len == sizeof(u)) {
		anc_name(v, "IPV6_TCLASS", "tclass", NULL);
		snprintf(v->value, sizeof(v->value), "x%08x", u);
		return 1;
	}
	/* Others as bytes, named as socat names them. */
	switch (c->cmsg_level) {
	case SOL_SOCKET:
		snprintf(type, sizeof(type), "SOCKET.%u", (unsigned)c->cmsg_type);
		snprintf(name, sizeof(name), "data");
		break;
	case IPPROTO_IP:
		snprintf(type, sizeof(type), "IP");
		snprintf(name, sizeof(name), "type_%u", (unsigned)c->cmsg_type);
		break;
	case IPPROTO_IPV6:
		snprintf(type, sizeof(type), "IPV6.%u", (unsigned)c->cmsg_type);
		snprintf(name, sizeof(name), "data");
		break;
	default:
		snprintf(type, sizeof(type), "LEVEL%u", (unsigned)c->cmsg_level);
		snprintf(name, sizeof(name), "type%u", (unsigned)c->cmsg_type);
	}
	anc_name(v, type, name, NULL);
	anc_hex(v, p, len);
	return 1;
}

/*
 * Goes through the ancillary data in ctl (len bytes, as recvmsg() left
 * them, at any alignment): logs each value at info level, after socat
 * 1.8's notice for IP_PKTINFO, IP_TTL and IP_TOS, or (env) sets it as the
 * variable of a program about to start.
 */
static void
each_ancillary(const void *ctl, size_t len, int env)
{
	union anc_buf buf;
	struct msghdr m;
	struct cmsghdr *c;
	struct anc_value v[3];
	int i, n;

	if (len == 0 || len > sizeof(buf) || (!env && g.loglevel > L_NOTICE))
		return;
	memcpy(buf.b, ctl, len);
	memset(&m, 0, sizeof(m));
	m.msg_control = buf.b;
	m.msg_controllen = len;
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
		n = describe_cmsg(c, v);
		if (!env && c->cmsg_level == IPPROTO_IP && n == 3)
			logmsg(L_NOTICE, "Ancillary message: interface \"%s\", "
			    "locaddr=%s, dstaddr=%s", v[0].value, v[1].value,
			    v[2].value);
		else if (!env && c->cmsg_level == IPPROTO_IP &&
		    (c->cmsg_type == IP_TTL || c->cmsg_type == IP_TOS) &&
		    v[0].value[0] != 'x')
			logmsg(L_NOTICE, "Ancillary message: %s=%s", v[0].name,
			    v[0].value);
		for (i = 0; i < n; i++) {
			if (env)
				set_program_var("", v[i].var, v[i].value);
			else
				logmsg(L_INFO, "ancillary message: %s: %s=%s",
				    v[i].type, v[i].name, v[i].value);
		}
	}
}

/*
 * recvfrom() that also takes the datagram's ancillary data into ctl and
 * logs it.  Returns the datagram's length, or -1; *ctllen is the length
 * of its ancillary data.
 */
static ssize_t
recv_ancillary(int fd, char *buf, size_t size, int flags,
    struct sockaddr_storage *from, socklen_t *fromlen, union anc_buf *ctl,
    size_t *ctllen)
{
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.msg_name = from;
	m.msg_namelen = *fromlen;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl->b;
	m.msg_controllen = sizeof(ctl->b);
	n = recvmsg(fd, &m, flags);
	*fromlen = m.msg_namelen;
	*ctllen = n == -1 ? 0 : (size_t)m.msg_controllen;
	each_ancillary(ctl->b, *ctllen, 0);
	return n;
}

/*
 * Returns the first address's socket, which a program on the second
 * address learns about from SOCAT_PEERADDR and the like, or -1.
 */
static int
first_socket(const struct addr *a)
{
	const struct endpoint *first = a->first;

	if (first == NULL || !first->is_socket)
		return -1;
	return first->rfd != -1 ? first->rfd : first->wfd;
}

/*
 * Sets SOCAT_PEERADDR, SOCAT_PEERPORT, SOCAT_SOCKADDR and SOCAT_SOCKPORT
 * from peer_fd (the first address's socket, or -1), and SOCAT_PID, for a
 * program.  relay_pid is the pid of the relay process that started it.
 */
static void
set_program_env(pid_t relay_pid, int peer_fd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[sizeof(((struct sockaddr_un *)0)->sun_path) + 1], port[24];
	const char *which[2] = { "PEER", "SOCK" };
	int i, rc;

	snprintf(port, sizeof(port), "%ld", (long)relay_pid);
	set_program_var("", "PID", port);
	for (i = 0; peer_fd != -1 && i < 2; i++) {
		len = sizeof(ss);
		rc = i == 0 ? getpeername(peer_fd, (struct sockaddr *)&ss, &len) :
		    getsockname(peer_fd, (struct sockaddr *)&ss, &len);
		if (rc == -1)
			continue;
		if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
			struct sockaddr_in *sin = (void *)&ss;
			struct sockaddr_in6 *sin6 = (void *)&ss;

			/*
			 * IPv6 as socat writes it: in brackets, all eight
			 * groups of four digits ("[0000:...:0001]").
			 */
			if (ss.ss_family == AF_INET)
				inet_ntop(AF_INET, &sin->sin_addr, host,
				    sizeof(host));
			else
				format_ipv6_long(&sin6->sin6_addr, host);
			snprintf(port, sizeof(port), "%u", ntohs(sin->sin_port));
			set_program_var(which[i], "PORT", port);
		} else if (ss.ss_family == AF_UNIX) {
			struct sockaddr_un *sun = (void *)&ss;

			snprintf(host, sizeof(host), "%.*s", (int)sizeof(host) - 1,
			    len > offsetof(struct sockaddr_un, sun_path) &&
			    sun->sun_path[0] ? sun->sun_path : "<anon>");
		} else {
			continue;
		}
		set_program_var(which[i], "ADDR", host);
	}
}

/*
 * Splits an EXEC command line into words with socat's quoting rules.
 * Returns a NULL-terminated vector, or NULL after logging.
 */
static char **
split_words(const char *line)
{
	const char *s = line, *err = NULL;
	size_t n = 0, max = strlen(line) / 2 + 2;
	char **argv = calloc(max, sizeof(*argv));

	if (argv == NULL)
		return NULL;
	while (argv != NULL) {
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		if ((argv[n++] = lex_token(&s, " \t", &err)) == NULL) {
			logmsg(L_ERROR, "EXEC \"%s\": %s", line, err);
			while (n-- > 0)
				free(argv[n]);
			free(argv);
			return NULL;
		}
	}
	if (n == 0) {
		logmsg(L_ERROR, "EXEC: empty command line");
		free(argv);
		return NULL;
	}
	return argv;
}

/*
 * Drops root for the user su= names: groups, then gid, then uid, each
 * checked, so a listener serves its connections as that user, a program
 * runs as it, and relay goes on as it once another address is open.
 * Returns 0, or -1 after logging.
 */
static int
drop_privileges(const char *user)
{
	struct passwd *pw;

	if ((pw = find_user(user)) == NULL) {
		logmsg(L_ERROR, "su: unknown user \"%s\"", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1) {
		logmsg(L_ERROR | L_ERRNO, "su \"%s\"", user);
		return -1;
	}
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid ||
	    getgid() != pw->pw_gid || getegid() != pw->pw_gid ||
	    (pw->pw_uid != 0 && setuid(0) != -1)) {
		logmsg(L_ERROR, "su \"%s\": privileges were not dropped", user);
		return -1;
	}
	return 0;
}

/*
 * Ends the process of exec_program() after a failure, with status 1.  A
 * forked child leaves with _exit(): relay's exit work (removing its files,
 * restoring terminals, ending programs, --statistics) is the work of the
 * relay process that forked it.  With nofork that process is relay itself,
 * which exits as relay does.
 */
static void __attribute__((noreturn))
exec_failed(const struct addr *a)
{
	if (a->set.nofork)
		relay_exit(1);
	_exit(1);
}

/*
 * SYSTEM with nofork, as socat runs it: with system(), so relay stays the
 * shell's parent (the process that a signal meant for "relay" reaches, and
 * the shell's $PPID), then exits with what system() returned shifted right
 * by 8: the command's exit code, and 0 when a signal ended it (socat's
 * quirk, kept; socat 1.8's W says which).
 */
static void __attribute__((noreturn))
run_system_in_place(const struct addr *a)
{
	int status;

	logmsg(L_INFO, "executing shell command \"%s\"", a->params[0]);
	status = system(a->params[0]);
	if (status == -1) {
		logmsg(L_ERROR | L_ERRNO, "system(\"%s\")", a->params[0]);
		relay_exit(1);
	}
	if (status != 0)
		logmsg(L_WARN, "system(\"%s\") returned with status %d",
		    a->params[0], status);
	relay_exit((status >> 8) & 0xff);
}

/*
 * In the child, on fds in and out: puts them on 0 and 1, or the fds that
 * fdin= and fdout= name (and 2 with stderr), sets the session and
 * environment up and runs the program.  Never returns.
 */
static void __attribute__((noreturn))
exec_program(const struct addr *a, int in, int out)
{
	sigset_t none;
	const char *sh, *name;
	char **argv;
	int i, fdin = a->set.fdin != -1 ? a->set.fdin : 0;
	int fdout = a->set.fdout != -1 ? a->set.fdout : 1, ends[2];

	/*
	 * in or out is -1 where the program keeps relay's own fd.  The
	 * program reads fd fdin and writes fdout (fdin=, fdout=; 0 and 1 by
	 * default).  out is saved first where in's move would close it.
	 */
	if (out != -1 && out != in && out == fdin && (out = dup(out)) == -1)
		goto dup_failed;
	if ((in != -1 && in != fdin && dup2(in, fdin) == -1) ||
	    (out != -1 && out != fdout && dup2(out, fdout) == -1))
		goto dup_failed;
	if (a->set.stderr_too) {
		/*
		 * The program's fd 2 becomes its channel; relay's own lines
		 * (execvp'ing, an exec that fails) still go to relay's
		 * stderr, as socat's do, through a copy the program does not
		 * inherit.
		 */
		if (g.logfd == STDERR_FILENO &&
		    (i = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) != -1)
			g.logfd = i;
		if (dup2(fdout, 2) == -1)
			goto dup_failed;
	}
	/*
	 * relay's sockets are non-blocking, a program expects blocking fds;
	 * and an fd that already had its number kept its close-on-exec.
	 */
	ends[0] = fdin;
	ends[1] = fdout;
	for (i = 0; i < 2; i++) {
		int f = fcntl(ends[i], F_GETFL);

		if (f != -1 && (f & O_NONBLOCK))
			(void)fcntl(ends[i], F_SETFL, f & ~O_NONBLOCK);
		(void)fcntl(ends[i], F_SETFD, 0);
	}
	/* exec keeps ignored signals ignored: give the program its own. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* (With pty, the terminal's setup leads the session; nofork has none.) */
	if (a->set.setsid && (!a->set.pty || a->set.nofork) && setsid() == -1)
		logmsg(L_WARN | L_ERRNO, "setsid()");
	if (a->set.pgid != -1 && setpgid(0, a->set.pgid) == -1)
		logmsg(L_WARN | L_ERRNO, "setpgid(0, %d)", a->set.pgid);
	if (a->set.su != NULL && drop_privileges(a->set.su) == -1)
		exec_failed(a);
	/* With nofork the program is relay's own process. */
	set_program_env(a->set.nofork ? getpid() : getppid(), first_socket(a));
	/*
	 * Else the program would hold its channel twice, and miss its EOF.
	 * (Not before: with nofork, the environment comes from in's socket.)
	 */
	if (in > 2 && in != fdin && in != fdout)
		close(in);
	if (out > 2 && out != in && out != fdin && out != fdout)
		close(out);
	if ((a->type->variant & TV_SYSTEM) && a->set.nofork)
		run_system_in_place(a);
	if (a->type->variant & (TV_SYSTEM | TV_SHELL)) {
		sh = a->type->variant & TV_SYSTEM ? "/bin/sh" : getenv("SHELL");
		name = strrchr(sh, '/') != NULL ? strrchr(sh, '/') + 1 : sh;
		logmsg(L_NOTICE, "execl(\"%s\", \"%s\", \"-c\", \"%s\")", sh,
		    name, a->params[0]);
		execl(sh, name, "-c", a->params[0], (char *)NULL);
		logmsg(L_ERROR | L_ERRNO, "execl(\"%s\")", sh);
		exec_failed(a);
	}
	if ((argv = split_words(a->params[0])) == NULL)
		exec_failed(a);
	logmsg(L_NOTICE, "execvp'ing \"%s\"", argv[0]);
	execvp(argv[0], argv);
	logmsg(L_ERROR | L_ERRNO, "execvp(\"%s\")", argv[0]);
	exec_failed(a);
dup_failed:
	logmsg(L_ERROR | L_ERRNO, "dup2()");
	exec_failed(a);
}

/*
 * How a program's stdin and stdout reach relay: a socketpair (socat's
 * default), two pipes (pipes), or a pseudo terminal (pty).  relay keeps
 * relay_r and relay_w (one fd but for pipes); the program gets prog_in and
 * prog_out (one fd but for pipes).
 */
enum channel_kind { CH_SOCKETPAIR, CH_PIPES, CH_PTY };
struct channel {
	enum channel_kind kind;
	int		 relay_r, relay_w;
	int		 prog_in, prog_out;
};

/* Closes the fds of ch that are open. */
static void
close_channel(struct channel *ch)
{
	if (ch->relay_w != -1 && ch->relay_w != ch->relay_r)
		close(ch->relay_w);
	if (ch->relay_r != -1)
		close(ch->relay_r);
	if (ch->prog_out != -1 && ch->prog_out != ch->prog_in)
		close(ch->prog_out);
	if (ch->prog_in != -1)
		close(ch->prog_in);
	ch->relay_r = ch->relay_w = ch->prog_in = ch->prog_out = -1;
}

/*
 * Makes the channel to a's program and applies a's options to relay's
 * end.  A pty's terminal is set up before the program starts: relay relays
 * at once, and no byte may meet the default settings (echo, line editing).
 * Returns 0, or -1 after logging (nothing left open).
 */
static int
open_channel(const struct addr *a, struct channel *ch)
{
	int fds[2], pin[2] = { -1, -1 }, pout[2] = { -1, -1 };

	ch->relay_r = ch->relay_w = ch->prog_in = ch->prog_out = -1;
	ch->kind = a->set.pty ? CH_PTY : a->set.pipes ? CH_PIPES : CH_SOCKETPAIR;
	switch (ch->kind) {
	case CH_PTY:
		if ((ch->relay_r = posix_openpt(O_RDWR | O_NOCTTY |
		    O_CLOEXEC)) == -1 || grantpt(ch->relay_r) == -1 ||
		    unlockpt(ch->relay_r) == -1 || ptsname(ch->relay_r) == NULL) {
			logmsg(L_ERROR | L_ERRNO, "posix_openpt()");
			goto err;
		}
		ch->relay_w = ch->relay_r;
		if ((ch->prog_in = open(ptsname(ch->relay_r), O_RDWR |
		    O_NOCTTY | O_CLOEXEC)) == -1) {
			logmsg(L_ERROR | L_ERRNO, "open(\"%s\")",
			    ptsname(ch->relay_r));
			goto err;
		}
		ch->prog_out = ch->prog_in;
		if (apply_termios(ch->prog_in, a, 0) == -1)
			goto err;
		break;
	case CH_PIPES:
		if (pipe(pin) == -1 || pipe(pout) == -1) {
			logmsg(L_ERROR | L_ERRNO, "pipe()");
			goto err_pipes;
		}
		ch->relay_r = pout[0];
		ch->relay_w = pin[1];
		ch->prog_in = pin[0];
		ch->prog_out = pout[1];
		break;
	case CH_SOCKETPAIR:
		if (socketpair(AF_UNIX, a->set.socktype != 0 ? a->set.socktype :
		    SOCK_STREAM, 0, fds) == -1) {
			logmsg(L_ERROR | L_ERRNO, "socketpair()");
			goto err;
		}
		ch->relay_r = ch->relay_w = fds[0];
		ch->prog_in = ch->prog_out = fds[1];
		break;
	}
	/*
	 * relay's end takes socket options (a socketpair) and, without pty,
	 * terminal options: where it cannot, an E, as in socat.  With pipes
	 * that end is the program's stdin.
	 */
	if ((ch->kind != CH_PTY && apply_termios(ch->relay_w, a, 0) == -1) ||
	    apply_sockopts(ch->relay_w, a, AF_UNIX, PH_PREBIND) == -1)
		goto err;
	return 0;
err_pipes:
	if (pin[0] != -1) {
		close(pin[0]);
		close(pin[1]);
	}
err:
	close_channel(ch);
	return -1;
}

/*
 * Forks the child that runs a's program on the program's ends of ch, and
 * notes it in programs[].  Returns its pid, or -1 after logging.
 */
static pid_t
start_program(const struct addr *a, struct channel *ch)
{
	sigset_t chld, old;
	pid_t pid;

	if (nprograms == MAX_PROGRAMS) {
		logmsg(L_ERROR, "more than %d programs", MAX_PROGRAMS);
		return -1;
	}
	/*
	 * Until it is in programs[], the child must not be reaped, nor relay
	 * end on a signal without ending it.
	 */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigaddset(&chld, SIGTERM);
	sigaddset(&chld, SIGINT);
	sigaddset(&chld, SIGHUP);
	sigprocmask(SIG_BLOCK, &chld, &old);
	if ((pid = fork()) == -1) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		logmsg(L_ERROR | L_ERRNO, "fork()");
		return -1;
	}
	if (pid == 0) {
		if (ch->kind == CH_PTY) {
			/*
			 * Only ctty makes the pty the new session's ctty:
			 * setsid alone leaves the program without one, as
			 * socat does ("sh: can't access tty").
			 */
			if (a->set.setsid && setsid() == -1)
				logmsg(L_WARN | L_ERRNO, "setsid()");
#ifdef TIOCSCTTY
			if (a->set.ctty && ioctl(ch->prog_in, TIOCSCTTY, 0) == -1)
				logmsg(L_WARN | L_ERRNO, "ioctl(TIOCSCTTY)");
#endif
		}
		if (ch->relay_w != ch->relay_r)
			close(ch->relay_w);
		close(ch->relay_r);
		/*
		 * A program relay only writes to keeps relay's stdout as its
		 * output, one relay only reads relay's stdin as its input, as
		 * in socat: with a socketpair wherever relay uses one
		 * direction, with pipes or a pty only as a half of "A!!B"
		 * (with -u or -U socat gives those a pipe or a terminal that
		 * nobody reads or writes).
		 */
		if (ch->kind == CH_SOCKETPAIR || a->half)
			exec_program(a, a->dir & DIR_WRITE ? ch->prog_in : -1,
			    a->dir & DIR_READ ? ch->prog_out : -1);
		exec_program(a, ch->prog_in, ch->prog_out);
	}
	programs[nprograms].pid = pid;
	programs[nprograms].parent = getpid();
	programs[nprograms].keep = a->set.end_close;
	programs[nprograms].passes = (a->set.sighup ? 1 << SIGHUP : 0) |
	    (a->set.sigint ? 1 << SIGINT : 0) |
	    (a->set.sigquit ? 1 << SIGQUIT : 0);
	nprograms++;
	sigprocmask(SIG_SETMASK, &old, NULL);
	logmsg(L_NOTICE, "forked off child process %ld", (long)pid);
	return pid;
}

/*
 * Starts EXEC, SYSTEM or SHELL connected through a channel (see struct
 * channel).  With "nofork" relay becomes the program instead, on the
 * first address's fds (first).  Returns 0, or -1 after logging.
 */
static int
open_program(struct addr *a, struct endpoint *ep)
{
	struct channel ch;
	pid_t pid;

	if ((a->type->variant & TV_SHELL) && getenv("SHELL") == NULL) {
		logmsg(L_ERROR, "SHELL variable undefined");
		return -1;
	}
	/* An end the program does not get has no fd to move, as socat says. */
	if ((a->set.fdin != -1 && !(a->dir & DIR_WRITE)) ||
	    (a->set.fdout != -1 && !(a->dir & DIR_READ))) {
		logmsg(L_ERROR, "option %s is useless in %s mode",
		    a->set.fdin != -1 && !(a->dir & DIR_WRITE) ? "fdin" : "fdout",
		    a->dir & DIR_WRITE ? "write-only" : "read-only");
		return -1;
	}
	if (a->set.fdin < -1 || a->set.fdout < -1) {
		logmsg(L_ERROR, "option fdin or fdout: invalid fd");
		return -1;
	}
	if (a->set.nofork) {
		if (a->first == NULL) {
			logmsg(L_ERROR, "option nofork only on the second address");
			return -1;
		}
		/* No channel of its own for them to act on, as in socat. */
		if (a->nsockopts != 0 || a->set.device != NULL ||
		    termios_wanted(&a->set)) {
			logmsg(L_ERROR, "option(s) of the program's channel "
			    "could not be used (nofork)");
			if (option_failed() == -1)
				return -1;
		}
		exec_program(a, a->first->rfd, a->first->wfd);
	}
	if (open_channel(a, &ch) == -1)
		return -1;
	if ((pid = start_program(a, &ch)) == -1) {
		close_channel(&ch);
		return -1;
	}
	/* The program holds its ends from now on. */
	if (ch.prog_out != ch.prog_in)
		close(ch.prog_out);
	close(ch.prog_in);
	(void)fcntl(ch.relay_r, F_SETFD, FD_CLOEXEC);
	(void)fcntl(ch.relay_w, F_SETFD, FD_CLOEXEC);
	fd_endpoint(ep, ch.relay_r, ch.relay_w);
	if (ch.kind == CH_PTY)
		ep->shut = SHUT_NOTHING;	/* a terminal has no half-close */
	ep->pid = pid;
	ep->program = DIR_BOTH;
	return 0;
}

/*
 * Opens a TCP connection, trying each address the host resolves to, in
 * order.  Names are resolved here, so each fork child resolves afresh.
 * Returns 0, or -1 after logging an E.
 */
static int
open_inet_connect(struct addr *a, struct endpoint *ep)
{
	struct addrinfo *res = NULL, *bres = NULL, *ai;
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	int family = addr_family(a);
	char buf[128], bhost[256];
	unsigned short bport;
	int fd = -1, saved, binds, rc = -1;

	binds = client_local_address(a, bhost, sizeof(bhost), &bport);
	if (binds == -1)
		goto err;
	if (bhost[0] != '\0') {
		if ((bres = resolve(bhost, bport, family, SOCK_STREAM, 1)) == NULL)
			goto err;
		if (family == AF_UNSPEC)
			family = bres->ai_family;
	}
	if ((res = lookup(a, family, SOCK_STREAM)) == NULL)
		goto err;

	/* With bind=, family is bind's: every address here can use it. */
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		/*
		 * (Formatted only if logged: snprintf()'s deep stack would
		 * cost each fork child a page; see run_at_page_top().)
		 */
		if (g.loglevel <= L_NOTICE)
			logmsg(L_NOTICE, "opening connection to %s",
			    format_sockaddr(ai->ai_addr, ai->ai_addrlen, buf,
			    sizeof(buf)));
		/*
		 * Blocking until connected: on loopback or a LAN, connect()
		 * then returns at once, and one fcntl() makes the socket
		 * non-blocking (cheaper than EINPROGRESS, poll, SO_ERROR).
		 */
		/* TCP's, or SCTP's or DCCP's from their rows. */
		if ((fd = socket(ai->ai_family, a->type->socktype | SOCK_CLOEXEC,
		    a->type->protocol)) == -1) {
			logmsg(L_ERROR | L_ERRNO, "socket(%d, %d, %d)",
			    ai->ai_family, a->type->socktype, a->type->protocol);
			goto err;
		}
		if (apply_sockopts(fd, a, ai->ai_family, PH_PREBIND) == -1)
			goto err;
		if (binds && bind_client(fd, bres, ai, bport,
		    a->set.lowport) == -1)
			goto err;
		if (connect_within(fd, ai->ai_addr, ai->ai_addrlen, a) == 0)
			break;
		saved = errno;
		logmsg(ai->ai_next != NULL ? L_WARN : L_ERROR,
		    "connect(%d, %s, %u): %s", fd, format_sockaddr(ai->ai_addr,
		    ai->ai_addrlen, buf, sizeof(buf)), (unsigned)ai->ai_addrlen,
		    strerror(saved));
		close(fd);
		fd = -1;
	}
	if (fd == -1)
		goto err;
#ifdef HAVE_SOCK_FLAGS
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
		logmsg(L_ERROR | L_ERRNO, "fcntl(%d, F_SETFL, O_NONBLOCK)", fd);
		goto err;
	}
#else
	if (set_fd_flags(fd) == -1)
		goto err;
#endif
	if (g.loglevel <= L_NOTICE &&
	    getsockname(fd, (struct sockaddr *)&local, &llen) == 0)
		logmsg(L_NOTICE, "successfully connected from local address %s",
		    format_sockaddr((struct sockaddr *)&local, llen, buf, sizeof(buf)));
	/* The socket is the endpoint's from here on. */
	socket_endpoint(ep, fd);
	fd = -1;
	rc = 0;
err:
	return open_done(a, fd, res, bres, rc);
}

/*
 * SOCKS4, SOCKS4A, SOCKS5-CONNECT and PROXY (HTTP CONNECT) connect to a
 * server as TCP does, send it a request for the target and read its reply
 * before the transfer starts.  The reply is untrusted input: it is read to
 * its exact length, never beyond (what follows is the target's data), and
 * every malformed, short or refusing reply is an E.  connect-timeout bounds
 * the request and the reply too; without it relay waits for the server as
 * socat does.
 */

/*
 * Waits until fd is ready for events or the deadline (0: none) passes.
 * Returns 0, or -1 with errno set (ETIMEDOUT when the deadline passed).
 */
static int
wait_fd(int fd, short events, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	while ((rc = poll(&pfd, 1, deadline == 0 ? -1 :
	    poll_ms(deadline - now()))) == -1 && errno == EINTR)
		;
	if (rc == 0)
		errno = ETIMEDOUT;
	return rc > 0 ? 0 : -1;
}

/*
 * Sends the n bytes of a request to a SOCKS server or proxy on the
 * non-blocking socket fd.  Returns 0, or -1 after logging an E.
 */
static int
send_request(int fd, const void *buf, size_t n, double deadline)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) > 0) {
			p += w;
			n -= (size_t)w;
		} else if (errno != EINTR && ((errno != EAGAIN &&
		    errno != EWOULDBLOCK) || wait_fd(fd, POLLOUT, deadline) == -1)) {
			logmsg(L_ERROR | L_ERRNO, "write(%d, ..., %zu)", fd, n);
			return -1;
		}
	}
	return 0;
}

/*
 * Reads n bytes of a reply from src into dst: never more, the bytes after
 * it are the target's.  Returns the bytes read (fewer than n at EOF), or
 * -1 after logging an E.
 */
static ssize_t
reply_read(struct reply_src *src, void *dst, size_t n)
{
	size_t got = 0;
	ssize_t r;

	if (src->fd == -1) {
		got = src->len - src->off < n ? src->len - src->off : n;
		memcpy(dst, src->buf + src->off, got);
		src->off += got;
		return (ssize_t)got;
	}
	while (got < n) {
		if ((r = read(src->fd, (char *)dst + got, n - got)) > 0)
			got += (size_t)r;
		else if (r == 0)
			break;
		else if (errno != EINTR && ((errno != EAGAIN &&
		    errno != EWOULDBLOCK) ||
		    wait_fd(src->fd, POLLIN, src->deadline) == -1)) {
			logmsg(L_ERROR | L_ERRNO, "read(%d, ..., %zu)", src->fd,
			    n - got);
			return -1;
		}
	}
	return (ssize_t)got;
}

/*
 * Copies n bytes of a server's text into out (size bytes) for a log line,
 * each unprintable byte as '.'.  Returns out.
 */
static const char *
printable(const char *in, size_t n, char *out, size_t size)
{
	size_t i;

	for (i = 0; i < n && i < size - 1; i++)
		out[i] = in[i] >= 0x20 && in[i] < 0x7f ? in[i] : '.';
	out[i] = '\0';
	return out;
}

/* A SOCKS4 reply: 8 bytes.  Returns 0 when granted, or -1 after logging. */
static int
socks4_reply(struct reply_src *src)
{
	static const char *const refused[] = {
		"socks: connect request rejected or failed",
		"socks: ident refused by client",
		"socks: ident failed",
	};
	unsigned char r[8];
	ssize_t n;

	if ((n = reply_read(src, r, sizeof(r))) == -1)
		return -1;
	if (n < (ssize_t)sizeof(r)) {
		logmsg(L_ERROR, "read(): EOF during read of socks reply, "
		    "peer might not be a socks4 server");
		return -1;
	}
	logmsg(L_INFO, "received socks reply VN=%u CD=%u DSTPORT=%u "
	    "DSTIP=%u.%u.%u.%u", r[0], r[1], r[2] << 8 | r[3], r[4], r[5],
	    r[6], r[7]);
	if (r[0] != 0)
		logmsg(L_WARN, "socks: reply code version is not 0 (%d)", r[0]);
	if (r[1] == 90) {
		logmsg(L_NOTICE, "successfully connected via socks4");
		return 0;
	}
	if (r[1] >= 91 && r[1] <= 93)
		logmsg(L_ERROR, "%s", refused[r[1] - 91]);
	else
		logmsg(L_ERROR, "socks: undefined status %u", r[1]);
	return -1;
}

/*
 * A SOCKS5 server's answer to the hello: version 5 and the method, which
 * must be 0, no authentication.  Returns 0, or -1 after logging.
 */
static int
socks5_hello_reply(struct reply_src *src)
{
	unsigned char r[2];
	ssize_t n;

	if ((n = reply_read(src, r, sizeof(r))) == -1)
		return -1;
	if (n < (ssize_t)sizeof(r))
		logmsg(L_ERROR, "read(): EOF during read of SOCKS5 server hello, "
		    "peer might not be a SOCKS5 server");
	else if (r[0] != 5)
		logmsg(L_ERROR, "SOCKS5 Server Hello version was %d, not the "
		    "expected 5, peer might not be a SOCKS5 server", r[0]);
	else if (r[1] == 0xff)
		logmsg(L_ERROR, "SOCKS5 authentication negotiation failed - "
		    "client & server have no common supported methods");
	else if (r[1] != 0)
		logmsg(L_ERROR, "SOCKS5 server requested unsupported auth "
		    "method (%d)", r[1]);
	else
		return 0;
	return -1;
}

/*
 * A SOCKS5 reply: version, code, 0, address type, the bound address (4,
 * 16, or a length byte and up to 255 bytes of name) and port.  Returns 0
 * when it succeeded, or -1 after logging.
 */
static int
socks5_reply(struct reply_src *src)
{
	static const char *const reason[] = {
		"succeeded", "general SOCKS server failure",
		"connection not allowed by ruleset", "network unreachable",
		"host unreachable", "connection refused", "TTL expired",
		"command not supported", "address type not supported",
	};
	unsigned char r[6 + 256];
	size_t len;
	ssize_t n;

	/* Five bytes say how long the rest is. */
	if ((n = reply_read(src, r, 5)) == -1)
		return -1;
	if (n == 5) {
		switch (r[3]) {
		case 1:
			len = 10;
			break;
		case 4:
			len = 22;
			break;
		case 3:
			len = 7 + (size_t)r[4];
			break;
		default:
			logmsg(L_ERROR, "invalid SOCKS5 reply address type (%d)",
			    r[3]);
			return -1;
		}
		if ((n = reply_read(src, r + 5, len - 5)) == -1)
			return -1;
		n = n == (ssize_t)(len - 5) ? 5 : 0;
	}
	if (n < 5) {
		logmsg(L_ERROR, "read(): EOF during read of SOCKS5 reply");
		return -1;
	}
	logmsg(L_INFO, "received SOCKS5 reply version=%d reply=%d "
	    "address_type=%d", r[0], r[1], r[3]);
	if (r[0] != 5) {
		logmsg(L_ERROR, "SOCKS5 reply version was %d, not the expected 5, "
		    "peer might not be a SOCKS5 server", r[0]);
		return -1;
	}
	if (r[1] != 0) {
		logmsg(L_ERROR, "SOCKS5 server error %d: %s", r[1],
		    r[1] < sizeof(reason) / sizeof(reason[0]) ? reason[r[1]] :
		    "unknown error");
		return -1;
	}
	return 0;
}

#define HTTP_LINE_MAX	2048	/* socat's limit for a line of the reply */

/*
 * Checks an HTTP proxy's status line (without its line end): HTTP/1.0 or
 * 1.1 and status 200, as socat (which takes "2000" for 200 too).
 * Returns 0, or -1 after logging.
 */
static int
http_status(const char *line, size_t len, const char *request)
{
	char text[HTTP_LINE_MAX + 1];
	const char *p = line + 9;

	if (strncmp(line, "HTTP/1.0 ", 9) != 0 &&
	    strncmp(line, "HTTP/1.1 ", 9) != 0) {
		logmsg(L_ERROR, "proxy: invalid answer \"%s\"",
		    printable(line, len, text, sizeof(text)));
		return -1;
	}
	p += strspn(p, " ");
	if (strncmp(p, "200", 3) == 0)
		return 0;
	p += strnlen(p, 3);
	p += strspn(p, " ");
	logmsg(L_ERROR, "%s: %s", request, printable(p,
	    (size_t)(line + len - p), text, sizeof(text)));
	return -1;
}

/*
 * An HTTP proxy's reply to CONNECT: the status line, headers, an empty
 * line.  A line ends with "\r\n", or with ignorecr with "\n" alone (an
 * empty line then may hold '\r's), as in socat.  Returns 0 for status 200,
 * or -1 after logging.
 */
static int
http_reply(struct reply_src *src, int ignorecr, const char *request)
{
	char line[HTTP_LINE_MAX + 1], text[HTTP_LINE_MAX + 1];
	size_t n = 0, len;
	int status_seen = 0;
	ssize_t r;

	for (;;) {
		if ((r = reply_read(src, line + n, 1)) == -1)
			return -1;
		if (r == 0) {
			logmsg(L_ERROR, "proxy_connect: connection closed by proxy");
			return -1;
		}
		n++;
		if (n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n')
			len = n - 2;
		else if (ignorecr && line[n - 1] == '\n')
			len = n - 1;
		else if (n == HTTP_LINE_MAX) {
			logmsg(L_ERROR, "proxy answer exceeds %d bytes, aborting",
			    HTTP_LINE_MAX);
			return -1;
		} else
			continue;
		line[len] = '\0';
		if (!status_seen) {
			logmsg(L_INFO, "proxy_connect: received answer \"%s\"",
			    printable(line, len, text, sizeof(text)));
			if (http_status(line, len, request) == -1)
				return -1;
			status_seen = 1;
		} else if (len == 0 || (ignorecr &&
		    strspn(line, "\r") == len)) {
			return 0;
		} else {
			logmsg(L_INFO, "proxy_connect: received header \"%s\"",
			    printable(line, len, text, sizeof(text)));
		}
		n = 0;
	}
}

/*
 * Reads the reply of proto from src (a's options say how, for PROXY).
 * Returns 0 when the server agreed, or -1 after logging an E.
 */
int
read_proxy_reply(enum proxy_proto proto, struct reply_src *src,
    const struct addr *a)
{
	switch (proto) {
	case PROTO_SOCKS4:
		return socks4_reply(src);
	case PROTO_SOCKS5_HELLO:
		return socks5_hello_reply(src);
	case PROTO_SOCKS5:
		return socks5_reply(src);
	case PROTO_HTTP:
		break;
	}
	return http_reply(src, a->set.ignorecr, src->request);
}

/*
 * Connects to a's SOCKS server or proxy (its first parameter, port
 * a->port) as TCP does, and sends it the request of n bytes.  Returns 0
 * with the socket in ep and src ready for the reply, or -1 after logging.
 */
static int
proxy_request(struct addr *a, struct endpoint *ep, const void *request,
    size_t n, struct reply_src *src)
{
	memset(src, 0, sizeof(*src));
	if (open_inet_connect(a, ep) == -1)
		return -1;
	src->fd = ep->rfd;
	if (a->set.connect_timeout > 0)
		src->deadline = now() + a->set.connect_timeout;
	if (send_request(src->fd, request, n, src->deadline) == 0)
		return 0;
	close(src->fd);
	ep->rfd = ep->wfd = -1;
	return -1;
}

/*
 * Reads the reply to a's request from src, closing the socket in ep when
 * the server refused.  Returns 0, or -1 after logging.
 */
static int
proxy_reply(enum proxy_proto proto, struct reply_src *src, struct addr *a,
    struct endpoint *ep)
{
	if (read_proxy_reply(proto, src, a) == 0)
		return 0;
	close(src->fd);
	ep->rfd = ep->wfd = -1;
	return -1;
}

/*
 * Opens SOCKS4 and SOCKS4A: the request carries the target's IPv4
 * address, resolved here before the server is contacted, or with SOCKS4A
 * the name for the server to resolve, and the user id: socksuser=,
 * $LOGNAME, $USER or "anonymous", as in socat.  Returns 0, or -1 after
 * logging.
 */
static int
open_socks4(struct addr *a, struct endpoint *ep)
{
	const char *host = a->params[1], *user = a->set.socksuser;
	int socks4a = a->type->variant & TV_SOCKS4A, rc = -1;
	struct addrinfo *res = NULL;
	struct reply_src src;
	unsigned char *req;
	size_t ulen, hlen;

	if (user == NULL && (user = getenv("LOGNAME")) == NULL &&
	    (user = getenv("USER")) == NULL)
		user = "anonymous";
	ulen = strlen(user) + 1;
	hlen = socks4a ? strlen(host) + 1 : 0;
	if ((req = malloc(8 + ulen + hlen)) == NULL) {
		logmsg(L_ERROR, "out of memory");
		return -1;
	}
	req[0] = 4;
	req[1] = 1;		/* CONNECT */
	req[2] = (unsigned char)(a->target_port >> 8);
	req[3] = (unsigned char)a->target_port;
	if (socks4a) {
		memcpy(req + 4, "\0\0\0\1", 4);	/* 0.0.0.1: a name follows */
		memcpy(req + 8 + ulen, host, hlen);
	} else if ((res = resolve(host, a->target_port, AF_INET, SOCK_STREAM,
	    0)) != NULL) {
		memcpy(req + 4, &((struct sockaddr_in *)(void *)res->ai_addr)->
		    sin_addr, 4);
	} else {
		goto out;
	}
	memcpy(req + 8, user, ulen);
	logmsg(L_NOTICE, "opening connection to %s:%u via socks4 server %s:%u "
	    "as user \"%s\"", host, a->target_port, a->params[0], a->port, user);
	if (proxy_request(a, ep, req, 8 + ulen + hlen, &src) == 0 &&
	    proxy_reply(PROTO_SOCKS4, &src, a, ep) == 0)
		rc = 0;
out:
	if (res != NULL)
		freeaddrinfo(res);
	free(req);
	return rc;
}

/*
 * Opens SOCKS5-CONNECT: a hello offering no authentication, then a
 * CONNECT for the target as an IPv4 or IPv6 literal or else a name of at
 * most 255 bytes, which the server resolves.  SOCKS5-LISTEN sends a BIND
 * for that address instead and reads two replies: the server listens, then
 * a client came.  Returns 0, or -1 after logging.
 */
static int
open_socks5(struct addr *a, struct endpoint *ep)
{
	static const unsigned char hello[] = { 5, 1, 0 };
	const char *host = a->params[a->nparams - 2];
	unsigned char req[4 + 1 + 255 + 2];
	struct reply_src src;
	size_t n = 4;

	req[0] = 5;
	req[1] = a->type->variant & TV_SOCKS5_BIND ? 2 : 1;	/* BIND or CONNECT */
	req[2] = 0;
	if (inet_pton(AF_INET, host, req + 4) == 1) {
		req[3] = 1;
		n += 4;
	} else if (inet_pton(AF_INET6, host, req + 4) == 1) {
		req[3] = 4;
		n += 16;
	} else if (strlen(host) <= 255) {
		req[3] = 3;
		req[n++] = (unsigned char)strlen(host);
		memcpy(req + n, host, strlen(host));
		n += strlen(host);
	} else {
		logmsg(L_ERROR, "target hostname too long (>255 bytes), aborting");
		return -1;
	}
	req[n++] = (unsigned char)(a->target_port >> 8);
	req[n++] = (unsigned char)a->target_port;
	logmsg(L_NOTICE, "opening connection to %s:%u via socks5 server %s:%u",
	    host, a->target_port, a->params[0], a->port);
	if (proxy_request(a, ep, hello, sizeof(hello), &src) == -1 ||
	    proxy_reply(PROTO_SOCKS5_HELLO, &src, a, ep) == -1)
		return -1;
	if (send_request(src.fd, req, n, src.deadline) == -1) {
		close(src.fd);
		ep->rfd = ep->wfd = -1;
		return -1;
	}
	if (proxy_reply(PROTO_SOCKS5, &src, a, ep) == -1)
		return -1;
	if (!(a->type->variant & TV_SOCKS5_BIND))
		return 0;
	logmsg(L_NOTICE, "listening on remote host, waiting for connection");
	/* A client may be long in coming: connect-timeout is not for it. */
	src.deadline = 0;
	if (proxy_reply(PROTO_SOCKS5, &src, a, ep) == -1)
		return -1;
	logmsg(L_NOTICE, "received connection on remote host");
	return 0;
}

/* Writes n bytes of in as base64 into out.  Returns the length written. */
static size_t
base64(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	unsigned long v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = digits[v >> 18 & 63];
		out[o++] = digits[v >> 12 & 63];
		out[o++] = i + 1 < n ? digits[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? digits[v & 63] : '=';
	}
	return o;
}

/*
 * The credentials of proxy-authorization=, or the whole content of
 * proxy-authorization-file= (a final newline included, as socat sends
 * it).  Returns them (malloc'd; *len bytes), NULL with *len 0 for none,
 * or NULL with *len 1 after logging an E.
 */
static char *
proxy_credentials(const struct addr *a, size_t *len)
{
	char *buf = NULL;
	ssize_t r;
	size_t size = 0;
	int fd;

	*len = 0;
	if (a->set.proxyauthfile == NULL) {
		if (a->set.proxyauth == NULL)
			return NULL;
		*len = strlen(a->set.proxyauth);
		return strdup(a->set.proxyauth);
	}
	if (a->set.proxyauth != NULL) {
		logmsg(L_ERROR, "Only one of options proxy-authorization and "
		    "proxy-authorization-file allowed");
		*len = 1;
		return NULL;
	}
	if ((fd = open(a->set.proxyauthfile, O_RDONLY | O_CLOEXEC)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "open(\"%s\", O_RDONLY)",
		    a->set.proxyauthfile);
		*len = 1;
		return NULL;
	}
	for (;;) {
		if (*len == size) {
			char *more = size < 65536 ? realloc(buf, size + 4096) : NULL;

			if (more == NULL) {
				logmsg(L_ERROR, "\"%s\": too long or out of memory",
				    a->set.proxyauthfile);
				break;
			}
			buf = more;
			size += 4096;
		}
		if ((r = read(fd, buf + *len, size - *len)) == 0) {
			close(fd);
			return buf;
		}
		if (r == -1 && errno != EINTR) {
			logmsg(L_ERROR | L_ERRNO, "read(\"%s\")",
			    a->set.proxyauthfile);
			break;
		}
		*len += r > 0 ? (size_t)r : 0;
	}
	close(fd);
	free(buf);
	*len = 1;
	return NULL;
}

/*
 * Opens PROXY: "CONNECT host:port HTTP/1.0" (http-version= changes the
 * version), with proxy-resolve the target's IPv4 address instead of its
 * name, and Basic credentials when given.  Returns 0, or -1 after logging.
 */
static int
open_http_proxy(struct addr *a, struct endpoint *ep)
{
	const char *host = a->params[1];
	const char *version = a->set.http_version ? a->set.http_version : "1.0";
	struct addrinfo hints, *res = NULL;
	char addr[INET_ADDRSTRLEN], *auth, *req = NULL;
	struct reply_src src;
	size_t alen, size, n;
	int rc = -1;

	if ((auth = proxy_credentials(a, &alen)) == NULL && alen != 0)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	/* A name that does not resolve is sent as it is, as socat does. */
	if (a->set.proxy_resolve && getaddrinfo(host, NULL, &hints, &res) == 0 &&
	    inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)res->ai_addr)->
	    sin_addr, addr, sizeof(addr)) != NULL)
		host = addr;
	size = strlen(host) + strlen(version) + alen * 4 / 3 + 64;
	if ((req = malloc(size)) == NULL) {
		logmsg(L_ERROR, "out of memory");
		goto out;
	}
	n = (size_t)snprintf(req, size, "CONNECT %s:%u HTTP/%s\r\n", host,
	    a->target_port, version);
	if (auth != NULL) {
		n += (size_t)snprintf(req + n, size - n,
		    "Proxy-authorization: Basic ");
		n += base64((unsigned char *)auth, alen, req + n);
		memcpy(req + n, "\r\n", 2);
		n += 2;
	}
	memcpy(req + n, "\r\n", 2);
	n += 2;
	logmsg(L_NOTICE, "opening connection to %s:%u via proxy %s:%u",
	    a->params[1], a->target_port, a->params[0], a->port);
	if (proxy_request(a, ep, req, n, &src) == -1)
		goto out;
	/* The request line without " HTTP/...", for the error message. */
	*strstr(req, " HTTP/") = '\0';
	src.request = req;
	if (proxy_reply(PROTO_HTTP, &src, a, ep) == 0) {
		logmsg(L_NOTICE, "successfully connected to %s:%u via proxy %s:%u",
		    host, a->target_port, a->params[0], a->port);
		rc = 0;
	}
out:
	if (res != NULL)
		freeaddrinfo(res);
	free(auth);
	free(req);
	return rc;
}

/*
 * Whether a SENDTO address keeps its socket unconnected and sends with
 * sendto(), taking replies from its peer only (recv_peer()) or, DATAGRAM,
 * from anyone.  A SENDTO that is only read, A of "A!!B", is connected to
 * its peer instead: ep->to is then B's, and the kernel filters.
 */
static int
sends_to(const struct addr *a)
{
	return a->type->kind == K_SENDTO &&
	    (a->writer == NULL || (a->type->variant & TV_ANY_SENDER));
}

/*
 * Fills *sun with path.  Returns the address length, or 0 after logging
 * when the path does not fit.
 */
static socklen_t
unix_sockaddr(struct sockaddr_un *sun, const char *path, int abstract)
{
	size_t len = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (len == 0 || len + (abstract != 0) >= sizeof(sun->sun_path)) {
		logmsg(L_ERROR, "UNIX socket path \"%s\" is %s", path,
		    len == 0 ? "empty" : "too long");
		return 0;
	}
	/* Linux's abstract namespace: a leading NUL, no file, no NUL after. */
	memcpy(sun->sun_path + (abstract != 0), path, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

/*
 * Binds fd to a name made from unix-bind-tempname's template, its first
 * XXXXXX replaced by random letters and digits (tried again while the name
 * is taken): a socket file that did not exist, or with abstract a name in
 * Linux's abstract namespace.  Without a template, socat 1.8's default,
 * /tmp/socat-bind.XXXXXX; the caller makes that abstract, as socat does
 * for UNIX-SENDTO and UNIX-CLIENT.  Fills *sun.  Returns the address
 * length, or 0 after logging an E.
 */
static socklen_t
bind_tempname(int fd, const struct addr *a, struct sockaddr_un *sun,
    int abstract)
{
	static const char chars[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const char *tmpl = *a->set.bind_tempname != '\0' ?
	    a->set.bind_tempname : "/tmp/socat-bind.XXXXXX";
	struct timespec ts;
	struct stat st;
	uint64_t seed, v;
	socklen_t len;
	char *x, buf[160];
	long tries;
	int i;

	if (strstr(tmpl, "XXXXXX") == NULL) {
		errno = EINVAL;
		logmsg(L_ERROR | L_ERRNO, "tempnam(\"%s\")", tmpl);
		return 0;
	}
	if ((len = unix_sockaddr(sun, tmpl, abstract)) == 0)
		return 0;
	x = strstr(sun->sun_path + (abstract != 0), "XXXXXX");
	/* Fork children start from the same state: the pid tells them apart. */
	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (uint64_t)ts.tv_sec << 30 ^ (uint64_t)ts.tv_nsec ^
	    (uint64_t)getpid() << 40;
	for (tries = 0; tries < TMP_MAX; tries++) {
		/* splitmix64: every bit of the seed stirs all six letters */
		v = (seed += 0x9e3779b97f4a7c15ULL);
		v = (v ^ v >> 30) * 0xbf58476d1ce4e5b9ULL;
		v = (v ^ v >> 27) * 0x94d049bb133111ebULL;
		v ^= v >> 31;
		for (i = 0; i < 6; i++, v /= sizeof(chars) - 1)
			x[i] = chars[v % (sizeof(chars) - 1)];
		/* bind() would take no file's place, but not a dangling link's. */
		if (!abstract && lstat(sun->sun_path, &st) == 0)
			continue;
		if (bind(fd, (struct sockaddr *)sun, len) == 0)
			return len;
		if (errno != EADDRINUSE) {
			logmsg(L_ERROR | L_ERRNO, "bind(%d, {%s}, %u)", fd,
			    format_sockaddr((struct sockaddr *)sun, len, buf,
			    sizeof(buf)), (unsigned)len);
			return 0;
		}
	}
	errno = EEXIST;
	logmsg(L_ERROR | L_ERRNO, "tempnam(\"%s\")", tmpl);
	return 0;
}

/*
 * Connects to a UNIX stream socket; UNIX-CLIENT falls back to a datagram
 * socket when the path is one, as socat does.  UNIX-SENDTO only notes
 * the path to send to.  Returns 0, or -1 after logging an E.
 */
static int
open_unix_connect(struct addr *a, struct endpoint *ep)
{
	struct sockaddr_un sun, bsun;
	socklen_t len, blen;
	/* GOPEN's row has no socket type: a stream first, as UNIX-CLIENT. */
	int fd = -1, type = a->type->kind == K_SENDTO ? SOCK_DGRAM : SOCK_STREAM;
	int bound = 0;	/* a socket file it bound (bsun), to remove on failure */
	/*
	 * unix-bind-tempname binds an abstract name on ABSTRACT-*, and on
	 * UNIX-* without a template, as socat 1.8's UNIX-SENDTO and
	 * UNIX-CLIENT do (its UNIX-CONNECT fails there).
	 */
	int babstract = IS_ABSTRACT(a) || (a->set.bind_tempname != NULL &&
	    *a->set.bind_tempname == '\0');
	char buf[160];
	const char *named;

	if (a->set.socktype != 0)	/* so-type=5: SEQPACKET */
		type = a->set.socktype;
	if ((len = unix_sockaddr(&sun, a->params[0], IS_ABSTRACT(a))) == 0)
		goto err;
	if (a->set.bind != NULL && a->set.bind_tempname != NULL) {
		logmsg(L_ERROR, "do not use both options bind and unix-bind-tempname");
		goto err;
	}
	logmsg(L_NOTICE, "opening connection to %s",
	    format_sockaddr((struct sockaddr *)&sun, len, buf, sizeof(buf)));
again:
	if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "socket(AF_UNIX)");
		goto err;
	}
	if (apply_sockopts(fd, a, AF_UNIX, PH_PREBIND) == -1)
		goto err;
	if (a->set.bind_tempname != NULL) {
		/* A new name each time: the last one was removed. */
		if (bind_tempname(fd, a, &bsun, babstract) == 0)
			goto err;
		bound = !babstract;
		if (bound && set_owner_mode(a, bsun.sun_path, -1) == -1)
			goto err;
	} else if (a->set.bind != NULL) {
		if ((blen = unix_sockaddr(&bsun, a->set.bind, IS_ABSTRACT(a))) == 0)
			goto err;
		if (a->set.unlink_early && !IS_ABSTRACT(a))
			(void)unlink(a->set.bind);
		if (bind(fd, (struct sockaddr *)&bsun, blen) == -1) {
			logmsg(L_ERROR | L_ERRNO, "bind(%d, {%s}, %u)", fd,
			    format_sockaddr((struct sockaddr *)&bsun, blen, buf,
			    sizeof(buf)), (unsigned)blen);
			goto err;
		}
		bound = !IS_ABSTRACT(a);
		if (bound && set_owner_mode(a, a->set.bind, -1) == -1)
			goto err;
	} else if (a->type->family == AF_UNIX &&	/* not GOPEN's file */
	    (named = a->set.mode != -1 ? "perm" : a->set.user ? "user" :
	    a->set.group ? "group" : a->set.unlink_early ? "unlink-early" :
	    NULL) != NULL) {
		logmsg(L_ERROR, "option \"%s\" only with bind option", named);
		goto err;
	}
	if (sends_to(a)) {
		memcpy(&ep->to, &sun, len);
		ep->tolen = len;
	} else if (connect_within(fd, (struct sockaddr *)&sun, len, a) == -1) {
		/*
		 * As socat: a stream, then SEQPACKET, then datagrams.  An
		 * abstract name of another type refuses the connection
		 * instead: socat 1.8 goes on there too (1.7.4 does not).
		 */
		if ((errno == EPROTOTYPE ||
		    (errno == ECONNREFUSED && IS_ABSTRACT(a))) &&
		    type != SOCK_DGRAM &&
		    a->set.socktype == 0 &&
		    (a->type->variant & (TV_DGRAM_FALLBACK | TV_GOPEN))) {
			close(fd);
			if (bound)
				(void)unlink(bsun.sun_path);	/* bound again */
			bound = 0;
			type = type == SOCK_STREAM ? SOCK_SEQPACKET : SOCK_DGRAM;
			goto again;
		}
		logmsg(L_ERROR | L_ERRNO, "connect(%d, %s, %u)", fd,
		    format_sockaddr((struct sockaddr *)&sun, len, buf, sizeof(buf)),
		    (unsigned)len);
		goto err;
	}
	/* Only now: a non-blocking connect fails at once on a full backlog. */
	if (set_fd_flags(fd) == -1)
		goto err;
	/*
	 * A socket file bind= or unix-bind-tempname made is removed at exit,
	 * as socat does (but for UNIX-CLIENT's: socat leaves those).
	 */
	if (bound && a->set.unlink_close)
		add_cleanup(bsun.sun_path);
	socket_endpoint(ep, fd);
	if (a->type->kind == K_SENDTO) {
		ep->dgram = 1;
		ep->peer_only = sends_to(a);
		ep->shut = SHUT_NOTHING;	/* as UDP-SENDTO: no EOF datagram */
	}
	return 0;
err:
	if (fd != -1)
		close(fd);
	/* Or a retry, and the next fork child, would find it in the way. */
	if (bound)
		(void)unlink(bsun.sun_path);
	return -1;
}

/*
 * Whether fd is a socket that connects (stream, SEQPACKET, DCCP): one that
 * listens for connections, where datagram and raw sockets take packets.
 */
static int
connection_based(int fd)
{
	int type = SOCK_DGRAM;

	(void)getsockopt(fd, SOL_SOCKET, SO_TYPE, &type,
	    &(socklen_t){ sizeof(type) });
	return type != SOCK_DGRAM && type != SOCK_RAW;
}

/* Binds fd, listens and logs it.  Returns 0, or -1 after logging an E. */
static int
bind_listen(int fd, const struct sockaddr *sa, socklen_t len, const struct addr *a)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char buf[160];

	if (bind(fd, sa, len) == -1) {
		logmsg(L_ERROR | L_ERRNO, "bind(%d, {%s}, %u)", fd,
		    format_sockaddr(sa, len, buf, sizeof(buf)), (unsigned)len);
		return -1;
	}
	if (a->type->family == AF_UNIX && !IS_ABSTRACT(a)) {
		if (a->set.unlink_close)
			add_cleanup(a->params[0]);
		if (set_owner_mode(a, a->params[0], -1) == -1)
			return -1;
	}
	if (connection_based(fd) && listen(fd, a->set.backlog) == -1) {
		logmsg(L_ERROR | L_ERRNO, "listen(%d, %d)", fd, a->set.backlog);
		return -1;
	}
	/* A port of 0 was chosen by the kernel: show the real one. */
	if (g.loglevel <= L_NOTICE &&
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == 0)
		logmsg(L_NOTICE, "listening on %s",
		    format_sockaddr((struct sockaddr *)&ss, sslen, buf, sizeof(buf)));
	return 0;
}

/*
 * Opens a TCP listener.  Without a family from the type, -4/-6 or bind=,
 * it listens on IPv4, as socat 1.7 does.  Returns 0, or -1 after logging.
 */
static int
open_inet_listen(struct addr *a, struct endpoint *ep)
{
	struct addrinfo *res = NULL;
	int family = addr_family(a);
	const char *env;
	char bhost[256] = "";
	unsigned short bport;
	int fd = -1;

	if (a->set.bind != NULL &&
	    split_bind(a->set.bind, bhost, sizeof(bhost), &bport) == -1)
		goto err;
	/*
	 * Without a family from pf=, the type, -4/-6 or bind=, IPv4, or what
	 * socat's SOCAT_DEFAULT_LISTEN_IP says (4 or 6).
	 */
	if (family == AF_UNSPEC && bhost[0] == '\0')
		family = (env = getenv("SOCAT_DEFAULT_LISTEN_IP")) != NULL &&
		    strcmp(env, "6") == 0 ? AF_INET6 : AF_INET;
	/* (A DCCP address resolves as a TCP one: not every libc knows it.) */
	if ((res = resolve(bhost, a->port, family, a->type->socktype ==
	    SOCK_DGRAM ? SOCK_DGRAM : SOCK_STREAM, 1)) == NULL)
		goto err;
	if ((fd = socket(res->ai_family, a->type->socktype | SOCK_CLOEXEC,
	    a->type->protocol)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "socket(%d, %d, %d)", res->ai_family,
		    a->type->socktype, a->type->protocol);
		goto err;
	}
	if (apply_sockopts(fd, a, res->ai_family, PH_PREBIND) == -1)
		goto err;
	/* A fork child keeps the port bound. */
	if (a->type->socktype == SOCK_DGRAM && a->type->kind != K_RECV &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 },
	    sizeof(int)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "setsockopt(%d, SO_REUSEADDR)", fd);
		goto err;
	}
	if (bind_listen(fd, res->ai_addr, res->ai_addrlen, a) == -1)
		goto err;
	freeaddrinfo(res);
	ep->listen_fd = fd;
	return 0;
err:
	if (fd != -1)
		close(fd);
	if (res != NULL)
		freeaddrinfo(res);
	return -1;
}

/*
 * Parses a VSOCK context id or port as socat does: a C number (0x, 0
 * prefixes), taken modulo 2^32, so "-1" is VMADDR_CID_ANY.  Returns 0, or
 * -1 after logging an E.
 */
int
parse_vsock_number(const char *s, const char *what, unsigned *v)
{
	unsigned long l;
	char *end;

	errno = 0;
	l = strtoul(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno != 0) {
		logmsg(L_ERROR, "sockaddr_vm - garbage in %s: \"%s\"", what,
		    *s == '\0' ? s : end);
		return -1;
	}
	*v = (unsigned)l;
	return 0;
}

#ifdef HAVE_VSOCK
/*
 * Fills *svm for VSOCK context id cid (NULL: any) and port.  Returns its
 * length, or 0 after logging an E.
 */
socklen_t
vsock_sockaddr(struct sockaddr_storage *ss, const char *cid, const char *port)
{
	struct sockaddr_vm *svm = (struct sockaddr_vm *)(void *)ss;
	unsigned c = VMADDR_CID_ANY, p;

	if ((cid != NULL && parse_vsock_number(cid, "cid", &c) == -1) ||
	    parse_vsock_number(port, "port", &p) == -1)
		return 0;
	memset(ss, 0, sizeof(*ss));
	svm->svm_family = AF_VSOCK;
	svm->svm_cid = c;
	svm->svm_port = p;
	return sizeof(*svm);
}

/*
 * Opens VSOCK-CONNECT (to <cid>:<port>) and VSOCK-LISTEN (on <port>, any
 * context id).  Returns 0, or -1 after logging.
 */
static int
open_vsock(struct addr *a, struct endpoint *ep)
{
	int listener = a->type->kind == K_STREAM_LISTEN, fd = -1;
	struct sockaddr_storage ss;
	char buf[64];
	socklen_t len;

	if (a->set.bind != NULL) {
		logmsg(L_ERROR, "%s: option bind not supported", a->type->name);
		return -1;
	}
	if ((len = vsock_sockaddr(&ss, listener ? NULL : a->params[0],
	    a->params[listener ? 0 : 1])) == 0)
		return -1;
	if ((fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "socket(AF_VSOCK, SOCK_STREAM, 0)");
		return -1;
	}
	if (apply_sockopts(fd, a, AF_VSOCK, PH_PREBIND) == -1)
		goto err;
	if (listener) {
		if (bind_listen(fd, (struct sockaddr *)&ss, len, a) == -1)
			goto err;
		ep->listen_fd = fd;
		return 0;
	}
	logmsg(L_NOTICE, "opening connection to %s", format_sockaddr(
	    (struct sockaddr *)&ss, len, buf, sizeof(buf)));
	if (connect_within(fd, (struct sockaddr *)&ss, len, a) == -1) {
		logmsg(L_ERROR | L_ERRNO, "connect(%d, %s, %u)", fd,
		    format_sockaddr((struct sockaddr *)&ss, len, buf,
		    sizeof(buf)), (unsigned)len);
		goto err;
	}
	if (set_fd_flags(fd) == -1)
		goto err;
	socket_endpoint(ep, fd);
	return 0;
err:
	close(fd);
	return -1;
}
#endif

/*
 * Opens ACCEPT-FD: the listening socket relay was given as fd <fdnum>,
 * the way systemd's socket activation passes it (fd 3), served as
 * TCP-LISTEN would be, with or without fork.  Returns 0, or -1 after
 * logging.
 */
static int
open_accept_fd(struct addr *a, struct endpoint *ep)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[160];
	int fd = -1, listening = 0;

	if (parse_int(a->params[0], &fd) == -1 || fd < 0) {
		logmsg(L_ERROR, "error in FD number \"%s\"", a->params[0]);
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		logmsg(L_ERROR | L_ERRNO, "getsockname(%d)", fd);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening,
	    &(socklen_t){ sizeof(listening) }) == -1 || !listening) {
		logmsg(L_ERROR, "ACCEPT-FD:%d: not a listening socket", fd);
		return -1;
	}
	/* Not for the programs relay starts, as socat. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		logmsg(L_ERROR | L_ERRNO, "fcntl(%d, F_SETFD, FD_CLOEXEC)", fd);
		return -1;
	}
	logmsg(L_NOTICE, "using file descriptor %d accepting a connection on %s",
	    fd, format_sockaddr((struct sockaddr *)&ss, len, buf, sizeof(buf)));
	ep->listen_fd = fd;
	return 0;
}

/*
 * Opens a UNIX listener.  The socket file is removed when the listener
 * exits (unlink-close, on by default as in socat), never by a fork child.
 * Returns 0, or -1 after logging.
 */
static int
open_unix_listen(struct addr *a, struct endpoint *ep)
{
	struct sockaddr_un sun;
	struct stat st;
	socklen_t len;
	int fd = -1, rc = -1;

	if ((len = unix_sockaddr(&sun, a->params[0], IS_ABSTRACT(a))) == 0)
		goto err;
	if (a->set.unlink_early && !IS_ABSTRACT(a) && unlink(a->params[0]) == -1 &&
	    errno != ENOENT) {
		logmsg(L_ERROR | L_ERRNO, "unlink(\"%s\")", a->params[0]);
		goto err;
	}
	if (!IS_ABSTRACT(a) && lstat(a->params[0], &st) == 0) {
		/* As in socat: no retry, an E. */
		logmsg(L_ERROR | L_FINAL, "\"%s\" exists", a->params[0]);
		rc = OPEN_FINAL;
		goto err;
	}
	if ((fd = socket(AF_UNIX, (a->set.socktype != 0 ? a->set.socktype :
	    a->type->socktype) | SOCK_CLOEXEC, 0)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "socket(AF_UNIX)");
		goto err;
	}
	if (apply_sockopts(fd, a, AF_UNIX, PH_PREBIND) == -1)
		goto err;
	if (bind_listen(fd, (struct sockaddr *)&sun, len, a) == -1)
		goto err;
	/* The socket is the endpoint's from here on. */
	ep->listen_fd = fd;
	fd = -1;
	rc = 0;
err:
	if (fd != -1)
		close(fd);
	return rc;
}

/*
 * Opens the UDP types.  UDP connects; UDP-SENDTO and UDP-DATAGRAM send to
 * the peer without connecting, so replies from anyone come in; the
 * listening kinds bind here and are served by accept_clients().
 * Returns 0, or -1 after logging.
 */
static int
open_udp(struct addr *a, struct endpoint *ep)
{
	struct addrinfo *res = NULL, *bres = NULL;
	int family = addr_family(a);
	char buf[128], bhost[256];
	unsigned short bport;
	int fd = -1, binds, rc = -1;

	if (a->type->nparams == 1)	/* UDP-LISTEN, -RECVFROM, -RECV */
		return open_inet_listen(a, ep);
	binds = client_local_address(a, bhost, sizeof(bhost), &bport);
	if (binds == -1 || (bhost[0] != '\0' && (bres = resolve(bhost, bport,
	    family, SOCK_DGRAM, 1)) == NULL))
		goto err;
	if (family == AF_UNSPEC && bres != NULL)
		family = bres->ai_family;
	if ((res = lookup(a, family, SOCK_DGRAM)) == NULL)
		goto err;
	/* UDP's, or UDP-Lite's from its rows. */
	if ((fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    a->type->protocol)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "socket(%d, SOCK_DGRAM, %d)",
		    res->ai_family, a->type->protocol);
		goto err;
	}
#ifndef HAVE_SOCK_FLAGS
	if (set_fd_flags(fd) == -1)
		goto err;
#endif
	if (apply_sockopts(fd, a, res->ai_family, PH_PREBIND) == -1)
		goto err;
	if (binds && bind_client(fd, bres, res, bport, a->set.lowport) == -1)
		goto err;
	if (!sends_to(a) && connect(fd, res->ai_addr, res->ai_addrlen) == -1) {
		logmsg(L_ERROR | L_ERRNO, "connect(%d, %s, %u)", fd,
		    format_sockaddr(res->ai_addr, res->ai_addrlen, buf,
		    sizeof(buf)), (unsigned)res->ai_addrlen);
		goto err;
	}
	/* The socket is the endpoint's from here on. */
	socket_endpoint(ep, fd);
	fd = -1;
	ep->dgram = 1;
	/*
	 * A connected UDP client passes EOF on as an empty datagram, so that
	 * its peer learns that the other side ended (socat sends one only
	 * with shut-null); the unconnected kinds send nothing, so a DNS
	 * server never sees one.
	 */
	ep->shut = a->type->kind == K_DGRAM_CONNECT ? SHUT_DGRAM : SHUT_NOTHING;
	if (sends_to(a)) {
		memcpy(&ep->to, res->ai_addr, res->ai_addrlen);
		ep->tolen = res->ai_addrlen;
		ep->peer_only = !(a->type->variant & TV_ANY_SENDER);
	}
	rc = 0;
err:
	return open_done(a, fd, res, bres, rc);
}

/*
 * Opens the raw IP types: IP-SENDTO and IP-DATAGRAM send to <host> with
 * the address's protocol, IP-RECVFROM and IP-RECV take in what comes with
 * it, on bind='s address (or any).  A raw IPv4 socket reads each datagram
 * with its IP header, which relay drops as socat does (ep->check).
 * Names resolve as for UDP: the kernel ignores the port of a raw socket.
 * Returns 0, or -1 after logging.
 */
static int
open_rawip(struct addr *a, struct endpoint *ep)
{
	struct addrinfo *res = NULL, *bres = NULL;
	const struct addrinfo *ai;
	int family = addr_family(a), listener = a->type->nparams == 1;
	int protocol = a->set.protocol != 0 ? a->set.protocol : a->protocol;
	int fd = -1, rc = -1;
	char buf[128], bhost[256] = "";
	unsigned short bport = 0;

	if (a->set.bind != NULL &&
	    split_bind(a->set.bind, bhost, sizeof(bhost), &bport) == -1)
		goto out;
	if (listener && family == AF_UNSPEC && bhost[0] == '\0')
		family = AF_INET;	/* as a UDP listener */
	if ((bhost[0] != '\0' || listener) &&
	    (bres = resolve(bhost, 0, family, SOCK_DGRAM, 1)) == NULL)
		goto out;
	if (family == AF_UNSPEC && bres != NULL)
		family = bres->ai_family;
	if (!listener && (res = lookup(a, family, SOCK_DGRAM)) == NULL)
		goto out;
	ai = listener ? bres : res;
	if ((fd = socket(ai->ai_family, SOCK_RAW | SOCK_CLOEXEC, protocol)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "socket(%d, SOCK_RAW, %d)",
		    ai->ai_family, protocol);
		goto out;
	}
	if (set_fd_flags(fd) == -1 ||
	    apply_sockopts(fd, a, ai->ai_family, PH_PREBIND) == -1)
		goto out;
	if (listener) {
		if (bind_listen(fd, bres->ai_addr, bres->ai_addrlen, a) == -1)
			goto out;
		ep->listen_fd = fd;
	} else {
		if (bres != NULL && bind(fd, bres->ai_addr, bres->ai_addrlen) == -1) {
			logmsg(L_ERROR | L_ERRNO, "bind(%d, {%s})", fd,
			    format_sockaddr(bres->ai_addr, bres->ai_addrlen,
			    buf, sizeof(buf)));
			goto out;
		}
		if (datagram_peer(a, ep, fd, res->ai_addr, res->ai_addrlen) == -1)
			goto out;
	}
	ep->check = a;
	fd = -1;	/* now ep's */
	rc = 0;
out:
	return open_done(a, fd, res, bres, rc);
}

/*
 * Fills ep for fd, a datagram socket of a SENDTO or DATAGRAM address that
 * sends to sa (kept in ep->to), or of another that connects to it.
 * Returns 0, or -1 after logging.
 */
static int
datagram_peer(const struct addr *a, struct endpoint *ep, int fd,
    const struct sockaddr *sa, socklen_t len)
{
	char buf[160];

	if (!sends_to(a) && connect(fd, sa, len) == -1) {
		logmsg(L_ERROR | L_ERRNO, "connect(%d, %s, %u)", fd,
		    format_sockaddr(sa, len, buf, sizeof(buf)), (unsigned)len);
		return -1;
	}
	socket_endpoint(ep, fd);
	ep->dgram = 1;
	ep->shut = SHUT_NOTHING;
	if (sends_to(a)) {
		memcpy(&ep->to, sa, len);
		ep->tolen = len;
		ep->peer_only = !(a->type->variant & TV_ANY_SENDER);
	}
	return 0;
}

/*
 * Fills *ss with a generic socket address: family domain, then the bytes
 * text gives (parse_bytes()), as socat's SOCKET-* types.  Returns its
 * length, or 0 after logging an E.
 */
socklen_t
generic_sockaddr(struct sockaddr_storage *ss, int domain, const char *text)
{
	size_t len;

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)domain;
	if (parse_bytes(text, (unsigned char *)ss + sizeof(sa_family_t),
	    sizeof(*ss) - sizeof(sa_family_t), &len) == -1) {
		logmsg(L_ERROR, "invalid socket address \"%s\"", text);
		return 0;
	}
	return (socklen_t)(sizeof(sa_family_t) + len);
}

/*
 * Opens the generic SOCKET-* types: a socket of the domain, type and
 * protocol the parameters give by number, its address in socat's bytes
 * notation (bind= too).  Returns 0, or -1 after logging.
 */
static int
open_socket(struct addr *a, struct endpoint *ep)
{
	struct sockaddr_storage ss, bss;
	socklen_t len, blen = 0;
	int typed = a->nparams == 4;	/* <domain>:<type>:<protocol>:... */
	int domain, type = a->type->socktype, protocol, fd = -1, rc = -1;
	char buf[160];

	if (parse_int_base(a->params[0], 0, &domain) == -1 ||
	    (typed && parse_int_base(a->params[1], 0, &type) == -1) ||
	    parse_int_base(a->params[typed ? 2 : 1], 0, &protocol) == -1) {
		logmsg(L_ERROR, "%s: invalid domain, type or protocol in \"%s\"",
		    a->type->name, a->text);
		return -1;
	}
	if (a->set.socktype != 0)
		type = a->set.socktype;
	if (a->set.protocol != 0)
		protocol = a->set.protocol;
	if ((len = generic_sockaddr(&ss, domain, a->params[a->nparams - 1])) == 0 ||
	    (a->set.bind != NULL &&
	    (blen = generic_sockaddr(&bss, domain, a->set.bind)) == 0))
		return -1;
	if ((fd = socket(domain, type | SOCK_CLOEXEC, protocol)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "socket(%d, %d, %d)", domain, type,
		    protocol);
		goto out;
	}
	if (set_fd_flags(fd) == -1 ||
	    apply_sockopts(fd, a, domain, PH_PREBIND) == -1)
		goto out;
	if (a->type->groups & G_LISTEN) {
		if (bind_listen(fd, (struct sockaddr *)&ss, len, a) == -1)
			goto out;
		ep->listen_fd = fd;
		fd = -1;	/* now ep's */
		rc = 0;
		goto out;
	}
	if (blen != 0 && bind(fd, (struct sockaddr *)&bss, blen) == -1) {
		logmsg(L_ERROR | L_ERRNO, "bind(%d, {%s}, %u)", fd, format_sockaddr(
		    (struct sockaddr *)&bss, blen, buf, sizeof(buf)), (unsigned)blen);
		goto out;
	}
	logmsg(L_NOTICE, "opening connection to %s", format_sockaddr(
	    (struct sockaddr *)&ss, len, buf, sizeof(buf)));
	if (type != SOCK_STREAM) {
		if (datagram_peer(a, ep, fd, (struct sockaddr *)&ss, len) == -1)
			goto out;
	} else if (connect_within(fd, (struct sockaddr *)&ss, len, a) == -1) {
		logmsg(L_ERROR | L_ERRNO, "connect(%d, %s, %u)", fd,
		    format_sockaddr((struct sockaddr *)&ss, len, buf,
		    sizeof(buf)), (unsigned)len);
		goto out;
	} else {
		socket_endpoint(ep, fd);
	}
	fd = -1;	/* now ep's */
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	return rc;
}

#ifdef HAVE_PACKET
/*
 * Sets and clears on interface name the flags a's iff-* options name, as
 * ifconfig does, through fd (a socket of any kind).  With save, the flags
 * it had are noted, and cleanup() puts them back at exit, as socat does
 * for INTERFACE.  Returns 0, or -1 after logging.
 */
static int
set_if_flags(int fd, const char *name, const struct addr *a, int save)
{
	struct ifreq ifr;
	size_t i;

	if ((a->set.iff_set | a->set.iff_clr) == 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1) {
		logmsg(L_ERROR | L_ERRNO, "ioctl(%d, SIOCGIFFLAGS, {\"%s\"})",
		    fd, name);
		return option_failed();
	}
	for (i = 0; save && i < MAX_IF_SAVED; i++)
		if (if_saved[i].name[0] == '\0') {
			if_saved[i].flags = ifr.ifr_flags;
			if_saved[i].pid = getpid();
			memcpy(if_saved[i].name, ifr.ifr_name, sizeof(if_saved[i].name));
			break;
		}
	ifr.ifr_flags = (short)((ifr.ifr_flags | a->set.iff_set) &
	    ~a->set.iff_clr);
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1) {
		logmsg(L_ERROR | L_ERRNO, "ioctl(%d, SIOCSIFFLAGS, {\"%s\", 0x%x})",
		    fd, name, (unsigned)(unsigned short)ifr.ifr_flags);
		return option_failed();
	}
	return 0;
}

/*
 * Sets the address and netmask of TUN's parameter and the iff-* flags on
 * the new interface ifr names.  Returns 0, or -1 after logging.
 */
static int
configure_tun(const struct addr *a, struct ifreq *ifr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ifr->ifr_addr;
	struct in_addr ip, mask;
	int s, rc = -1;

	/* An interface is configured through a socket, of any kind. */
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "socket(AF_INET, SOCK_DGRAM)");
		return -1;
	}
	if (a->nparams == 1) {
		if (parse_if_addr(a->params[0], &ip, &mask) == -1) {
			logmsg(L_ERROR, "TUN: invalid address \"%s\" (expected "
			    "address/bits or address:mask)", a->params[0]);
			goto out;
		}
		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_addr = ip;
		if (ioctl(s, SIOCSIFADDR, ifr) == -1) {
			logmsg(L_ERROR | L_ERRNO, "ioctl(%d, SIOCSIFADDR, {\"%s\", "
			    "\"%s\"})", s, ifr->ifr_name, a->params[0]);
			goto out;
		}
		sin->sin_addr = mask;
		if (ioctl(s, SIOCSIFNETMASK, ifr) == -1) {
			logmsg(L_ERROR | L_ERRNO, "ioctl(%d, SIOCSIFNETMASK, "
			    "{\"%s\", \"%s\"})", s, ifr->ifr_name, a->params[0]);
			goto out;
		}
	}
	rc = set_if_flags(s, ifr->ifr_name, a, 0);
out:
	close(s);
	return rc;
}

/*
 * Opens TUN: a new tunnel interface (tun-type=tun, or tap) whose "wire
 * side" relay serves, one packet a read and a write, with the parameter's
 * address and the iff-* flags (iff-up brings it up).  The interface goes
 * when relay closes it.  Returns 0, or -1 after logging.
 */
static int
open_tun(struct addr *a, struct endpoint *ep)
{
	const char *dev = a->set.tun_device != NULL ? a->set.tun_device :
	    "/dev/net/tun";
	struct ifreq ifr;
	int fd = -1;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN;
	if (a->set.tun_type != NULL && strcmp(a->set.tun_type, "tap") == 0)
		ifr.ifr_flags = IFF_TAP;
	else if (a->set.tun_type != NULL && strcmp(a->set.tun_type, "tun") != 0) {
		logmsg(L_ERROR, "unknown tun-type \"%s\"", a->set.tun_type);
		goto err;
	}
	if (a->set.no_pi)
		ifr.ifr_flags |= IFF_NO_PI;
	if (a->set.tun_name != NULL) {
		if (strlen(a->set.tun_name) >= sizeof(ifr.ifr_name)) {
			logmsg(L_ERROR, "tun-name \"%s\": longer than %d characters",
			    a->set.tun_name, (int)sizeof(ifr.ifr_name) - 1);
			goto err;
		}
		memcpy(ifr.ifr_name, a->set.tun_name, strlen(a->set.tun_name));
	}
	if ((fd = open(dev, O_RDWR | O_CLOEXEC | O_NONBLOCK)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "open(\"%s\")", dev);
		goto err;
	}
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		logmsg(L_ERROR | L_ERRNO, "ioctl(%d, TUNSETIFF, {\"%s\"})", fd,
		    ifr.ifr_name);
		goto err;
	}
	logmsg(L_NOTICE, "TUN: new device \"%s\"", ifr.ifr_name);
	if (configure_tun(a, &ifr) == -1)
		goto err;
	fd_endpoint(ep, a->dir & DIR_READ ? fd : -1, a->dir & DIR_WRITE ? fd : -1);
	ep->dgram = 1;
	return 0;
err:
	if (fd != -1)
		close(fd);
	return -1;
}

/*
 * Opens INTERFACE: a packet socket (AF_PACKET) bound to the interface,
 * which reads the packets that come in on it, link header and all, and
 * sends what it is given out of it as it is.  The packets that go out are
 * not read, its own included (PACKET_IGNORE_OUTGOING, Linux 4.20 and
 * later; before, a warning).  Returns 0, or -1 after logging.
 */
static int
open_interface(struct addr *a, struct endpoint *ep)
{
	const char *name = a->params[0];
	struct sockaddr_ll sll;
	int fd, one = 1;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	if (strlen(name) >= IF_NAMESIZE ||
	    (sll.sll_ifindex = (int)if_nametoindex(name)) == 0) {
		logmsg(L_ERROR, "unknown interface \"%s\"", name);
		return -1;
	}
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    htons(ETH_P_ALL))) == -1) {
		logmsg(L_ERROR | L_ERRNO, "socket(AF_PACKET, SOCK_RAW)");
		return -1;
	}
	if (apply_sockopts(fd, a, AF_PACKET, PH_PREBIND) == -1)
		goto err;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "bind(%d, {AF_PACKET, \"%s\"})", fd, name);
		goto err;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one)) == -1)
		logmsg(L_WARN | L_ERRNO,
		    "setsockopt(%d, SOL_PACKET, PACKET_IGNORE_OUTGOING)", fd);
	if (set_if_flags(fd, name, a, 1) == -1)
		goto err;
	socket_endpoint(ep, fd);
	ep->dgram = 1;
	ep->shut = SHUT_NOTHING;
	memcpy(&ep->to, &sll, sizeof(sll));
	ep->tolen = sizeof(sll);
	return 0;
err:
	close(fd);
	return -1;
}
#endif /* HAVE_PACKET */

#ifdef HAVE_POSIXMQ
/*
 * Returns the number in a file such as /proc/sys/fs/mqueue/msg_default,
 * or 0 if it cannot be read (mq_open() then refuses the attributes).
 */
static long
read_number_file(const char *path)
{
	char buf[24];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/*
 * Takes the next message of queue q into a new dgram.  Returns it, or
 * NULL when there was none (another reader was first) or after logging.
 */
static struct dgram *
mq_take(int q)
{
	struct mq_attr attr;
	struct dgram *d = NULL;
	ssize_t n;

	if (mq_getattr(q, &attr) == -1) {
		logmsg(L_ERROR | L_ERRNO, "mq_getattr(%d)", q);
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d) + (size_t)attr.mq_msgsize)) == NULL) {
		logmsg(L_ERROR, "out of memory");
		return NULL;
	}
	if ((n = mq_receive(q, d->data, (size_t)attr.mq_msgsize, NULL)) == -1) {
		if (errno != EAGAIN) {
			logmsg(L_ERROR | L_ERRNO, "mq_receive(%d)", q);
			poll(NULL, 0, 100);	/* no busy loop on a lasting error */
		}
		free(d);
		return NULL;
	}
	d->len = (size_t)n;
	return d;
}

/* posixmq-flush: drops what queue name holds.  Returns 0, or -1 after logging. */
static int
mq_drain(const char *name)
{
	struct dgram *d;
	mqd_t q;

	if ((q = mq_open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == (mqd_t)-1) {
		if (errno == ENOENT)
			return 0;	/* nothing to drop */
		logmsg(L_ERROR | L_ERRNO, "mq_open(\"%s\", O_RDONLY)", name);
		return -1;
	}
	while ((d = mq_take(q)) != NULL)
		free(d);
	mq_close(q);
	return 0;
}

/*
 * Opens the POSIXMQ types: the message queue name, created if missing
 * (posixmq-maxmsg and -msgsize say how; mode= its permissions), read and
 * written one message at a time, sent with posixmq-priority.  As in socat,
 * the queue stays when relay ends, but with unlink-close.
 * Returns 0, or -1 after logging.
 */
static int
open_posixmq(struct addr *a, struct endpoint *ep)
{
	const char *name = a->params[0];
	enum dir dirs = a->type->variant & a->dir & DIR_BOTH;
	struct mq_attr attr, *want = NULL;
	mqd_t q;

	if (dirs == 0) {
		logmsg(L_ERROR, "%s: cannot be %s", a->type->name,
		    a->dir == 1 ? "read" : "written");
		return -1;
	}
	if (a->set.mq_prio < 0 || a->set.mq_prio >= 32768) {
		logmsg(L_ERROR, "option posixmq-priority: invalid value %d",
		    a->set.mq_prio);
		return -1;
	}
	/* glibc refuses a name without the leading "/", musl would take it. */
	if (name[0] != '/') {
		logmsg(L_ERROR, "%s: mq_open(\"%s\"): %s", a->type->name, name,
		    strerror(EINVAL));
		return -1;
	}
	if (a->set.unlink_early && mq_unlink(name) == -1 && errno != ENOENT)
		logmsg(L_INFO | L_ERRNO, "mq_unlink(\"%s\")", name);
	if (a->set.mq_flush && mq_drain(name) == -1)
		return -1;
	/* The one of the two not given is the system's default, as socat. */
	if (a->set.mq_maxmsg != 0 || a->set.mq_msgsize != 0) {
		memset(&attr, 0, sizeof(attr));
		attr.mq_maxmsg = a->set.mq_maxmsg != 0 ? a->set.mq_maxmsg :
		    read_number_file("/proc/sys/fs/mqueue/msg_default");
		attr.mq_msgsize = a->set.mq_msgsize != 0 ? a->set.mq_msgsize :
		    read_number_file("/proc/sys/fs/mqueue/msgsize_default");
		want = &attr;
	}
	q = mq_open(name, (dirs == DIR_READ ? O_RDONLY : dirs == DIR_WRITE ?
	    O_WRONLY : O_RDWR) | O_CREAT | O_NONBLOCK | O_CLOEXEC,
	    a->set.mode != -1 ? (mode_t)a->set.mode : 0666, want);
	if (q == (mqd_t)-1) {
		logmsg(L_ERROR | L_ERRNO, "%s: mq_open(\"%s\")", a->type->name,
		    name);
		return -1;
	}
	if (a->set.unlink_close == 1)
		note_cleanup(cleanup_mqs, MAX_MQ_CLEANUP, name);
	if (set_owner_mode(a, name, q) == -1) {
		mq_close(q);
		return -1;
	}
	fd_endpoint(ep, dirs & DIR_READ ? q : -1, dirs & DIR_WRITE ? q : -1);
	ep->dgram = 1;
	ep->mq = dirs;
	ep->mq_prio = (unsigned)a->set.mq_prio;
	/* RECEIVE, and SEND with fork, wait for a message or room first. */
	if (a->set.fork || (a->type->variant & TV_ONE_MESSAGE))
		ep->listen_fd = q;
	return 0;
}
#endif /* HAVE_POSIXMQ */

/* ------------------------------------------------------------------ */
/* Accepting and forking                                               */
/* ------------------------------------------------------------------ */

/*
 * glibc's fork() also resets the dynamic loader's locks and runs the
 * atfork handlers in the child: writes to ld.so's and libc's data that
 * give each fork child three more pages (12 KiB) of its own.  _Fork()
 * (glibc 2.34) leaves them out; relay has one thread and no atfork
 * handler, and then glibc lets the child call anything after it.
 */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
#define fork_child()	_Fork()
#else
#define fork_child()	fork()
#endif

/*
 * glibc (2.35 and later) registers a restartable-sequences area in the
 * thread's descriptor, and the kernel writes the CPU number into it each
 * time the process returns to user space after a context switch: a write
 * that gives each fork child its own copy of that page, 4 KiB an idle
 * connection.  relay never asks which CPU it is on (glibc's sched_getcpu()
 * is the only reader), so a fork listener unregisters the area before its
 * first child, and marks it unregistered as glibc does when the kernel
 * refuses it (sched_getcpu() then asks the kernel).
 */
static void
stop_rseq(void)
{
#ifdef HAVE_GLIBC_RSEQ
	struct rseq *area = (struct rseq *)((char *)__builtin_thread_pointer() +
	    __rseq_offset);
	/* The length glibc registered: at least the first ABI's 32 bytes. */
	unsigned len = __rseq_size > 32 ? __rseq_size : 32;

	if (__rseq_size != 0 &&
	    syscall(SYS_rseq, area, len, RSEQ_FLAG_UNREGISTER, RSEQ_SIG) == 0)
		area->cpu_id = RSEQ_CPU_ID_REGISTRATION_FAILED;
#endif
}

/* Waits until fewer than max children run; SIGCHLD ends each wait. */
static void
wait_for_child_slot(int max)
{
	sigset_t chld, old;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	while (children_forked - children_reaped >= max)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/*
 * Whether a's client filters (range=, sourceport=, lowport) let peer in.
 * Returns 1, or 0 after logging the refusal.
 */
static int
client_allowed(const struct addr *a, const struct sockaddr *peer, socklen_t plen)
{
	const struct sockaddr_in *sin = (const void *)peer;
	const struct sockaddr_in6 *sin6 = (const void *)peer;
	const unsigned char *ip = NULL;
	unsigned port = 0;
	int i, n = 0, family = peer->sa_family;
	char buf[160];

	if (family == AF_INET) {
		ip = (const unsigned char *)&sin->sin_addr;
		n = 4;
		port = ntohs(sin->sin_port);
	} else if (family == AF_INET6) {
		ip = (const unsigned char *)&sin6->sin6_addr;
		n = 16;
		port = ntohs(sin6->sin6_port);
		/* A v4-mapped client is judged by its IPv4 address. */
		if (a->range_family == AF_INET &&
		    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			ip += 12;
			n = 4;
			family = AF_INET;
		}
	}
	/* SOCKET-*: the bytes after the family, masked. */
	for (i = 0; i < a->range_bytes; i++)
		if ((socklen_t)(sizeof(sa_family_t) + i) >= plen ||
		    (((const unsigned char *)peer)[sizeof(sa_family_t) + i] &
		    a->range_mask[i]) != a->range_net[i])
			goto deny;
	if (a->range_family != AF_UNSPEC) {
		if (ip == NULL || family != a->range_family)
			goto deny;
		for (i = 0; i < n; i++)
			if ((ip[i] & a->range_mask[i]) != a->range_net[i])
				goto deny;
	}
	if (a->set.sourceport != 0 && port != (unsigned)a->set.sourceport)
		goto deny;
	if (a->set.lowport && (port == 0 || port >= 1024))
		goto deny;
	return 1;
deny:
	logmsg(L_WARN, "refusing connection from %s due to a client filter",
	    format_sockaddr(peer, plen, buf, sizeof(buf)));
	return 0;
}

/*
 * Waits until the listening fd of pfd has a client.  After accept-timeout
 * without one, relay ends with a W and exit status 0, as socat does.
 * Returns poll()'s result.
 */
static int
wait_client(const struct addr *a, struct pollfd *pfd)
{
	int n;

	n = poll(pfd, 1, a->set.accept_timeout > 0 ?
	    poll_ms(a->set.accept_timeout) : -1);
	if (n == 0) {
		logmsg(L_WARN, "accept: Connection timed out");
		relay_exit(0);
	}
	return n;
}

/*
 * Returns a connection accepted on lfd that the client filters allow,
 * retrying transient failures.  A fork listener's lfd is non-blocking:
 * with wait, relay then waits for a client; without, it returns -1 when
 * none is queued.
 */
static int
accept_one(const struct addr *a, int lfd, int wait)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	struct sockaddr_storage peer, local;
	socklen_t plen, llen;
	char pbuf[160], lbuf[160];
	static double next_log;
	int fd;

	for (;;) {
		/* (A listener without fork blocks in accept(): wait first.) */
		if (wait && a->set.accept_timeout > 0)
			(void)wait_client(a, &pfd);
		plen = sizeof(peer);
#ifdef HAVE_SOCK_FLAGS
		fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
		    SOCK_CLOEXEC | SOCK_NONBLOCK);
#else
		if ((fd = accept(lfd, (struct sockaddr *)&peer, &plen)) != -1 &&
		    set_fd_flags(fd) == -1) {
			close(fd);
			continue;
		}
#endif
		if (fd != -1) {
			if (g.loglevel <= L_NOTICE) {
				llen = sizeof(local);
				if (getsockname(fd, (struct sockaddr *)&local, &llen) == -1)
					llen = 0, local.ss_family = AF_UNSPEC;
				logmsg(L_NOTICE, "accepting connection from %s on %s",
				    format_sockaddr((struct sockaddr *)&peer, plen,
				    pbuf, sizeof(pbuf)), format_sockaddr((struct
				    sockaddr *)&local, llen, lbuf, sizeof(lbuf)));
			}
			if (client_allowed(a, (struct sockaddr *)&peer, plen))
				return fd;
			/*
			 * As socat: a FIN first, so that the client reads an
			 * EOF before the reset a close() with its data unread
			 * sends.
			 */
			(void)shutdown(fd, SHUT_RDWR);
			close(fd);
			continue;
		}
		switch (errno) {
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
			if (!wait)
				return -1;
			(void)wait_client(a, &pfd);
			continue;
		case EINTR:
		case ECONNABORTED:
		case EPROTO:
			continue;
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			/* The connections held come first (errno tells). */
			if (!wait)
				return -1;
			/*
			 * Out of resources: give them time to free up, and say
			 * so, but once a second at most: it can last.
			 */
			if (now() >= next_log) {
				logmsg(L_ERROR | L_ERRNO, "accept(%d)", lfd);
				next_log = now() + 1;
			}
			poll(NULL, 0, 100);
			continue;
		default:
			die("accept(%d): %s", lfd, strerror(errno));
		}
	}
}

/*
 * Drops the IP header that a raw IPv4 socket reads before each datagram's
 * payload, as socat does.  Returns the payload's length (moved to the
 * start of buf), or 0 for a datagram with no payload.
 */
static ssize_t
drop_ip_header(char *buf, ssize_t n)
{
	ssize_t hlen;

	if (n <= 0)
		return n;
	hlen = (buf[0] & 0x0f) * 4;	/* IHL: in 32-bit words */
	if (n <= hlen)
		return 0;
	memmove(buf, buf + hlen, (size_t)(n - hlen));
	return n - hlen;
}

/*
 * Takes the next datagram waiting on a UDP listener, with its ancillary
 * data, without waiting if flags say MSG_DONTWAIT.  Returns it, or NULL if
 * there was none, it failed (logged) or range= and the like refused its
 * sender (logged).
 */
static struct dgram *
receive_dgram(const struct addr *a, int lfd, int flags, char *buf)
{
	struct dgram *d;
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	union anc_buf ctl;
	size_t ctllen;
	ssize_t n;

	n = recv_ancillary(lfd, buf, 65536, flags, &from, &fromlen, &ctl,
	    &ctllen);
	if (a->type->socktype == SOCK_RAW && from.ss_family == AF_INET)
		n = drop_ip_header(buf, n);
	if (n == -1) {
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
			logmsg(L_ERROR | L_ERRNO, "recvfrom(%d)", lfd);
			poll(NULL, 0, 100);	/* no busy loop on a lasting error */
		}
		return NULL;
	}
	if (!client_allowed(a, (struct sockaddr *)&from, fromlen))
		return NULL;
	if ((d = malloc(sizeof(*d) + (size_t)n + ctllen)) == NULL) {
		logmsg(L_ERROR, "out of memory, a datagram is dropped");
		return NULL;
	}
	d->next = NULL;
	memcpy(&d->from, &from, fromlen);
	d->fromlen = fromlen;
	d->len = (size_t)n;
	memcpy(d->data, buf, (size_t)n);
	d->ctllen = (unsigned)ctllen;
	memcpy(d->data + n, ctl.b, ctllen);
	return d;
}

/* Whether datagrams d and e came from the same address and port. */
static int
same_sender(const struct dgram *d, const struct dgram *e)
{
	return d->fromlen == e->fromlen &&
	    memcmp(&d->from, &e->from, d->fromlen) == 0;
}

/* Frees the datagrams of list *dp. */
static void
free_dgrams(struct dgram **dp)
{
	struct dgram *d;

	while ((d = *dp) != NULL) {
		*dp = d->next;
		free(d);
	}
}

/*
 * Gives the UDP listener in ep to the client who sent the first datagram
 * of *queue: connects the socket to it and moves that client's datagrams
 * from *queue to ep->held.  With fork, first binds the next listener into
 * *next, so that no client is ever without a socket to send to.
 *
 * Datagrams that came in before connect() are still queued on the socket,
 * from any client: they are taken off here (a bounded number: a client
 * that floods keeps its datagrams coming to its own socket), the client's
 * for its transfer and the others' to *queue for the next client, so none
 * reaches the wrong one.  Returns 0, or -1 if the first datagram was lost.
 */
static int
claim_client(struct addr *a, struct endpoint *ep, struct dgram **queue,
    struct endpoint *next, char *buf)
{
	struct dgram *first = *queue, *d, **tail, **held = &ep->held;
	char pbuf[160];
	int i, lfd = ep->listen_fd;

	logmsg(L_NOTICE, "receiving packet from %s", format_sockaddr(
	    (struct sockaddr *)&first->from, first->fromlen, pbuf, sizeof(pbuf)));
	if (connect(lfd, (struct sockaddr *)&first->from, first->fromlen) == -1) {
		logmsg(L_ERROR | L_ERRNO, "connect(%d, %s)", lfd, pbuf);
		*queue = first->next;
		free(first);
		return -1;
	}
	if (next != NULL) {
		memset(next, 0, sizeof(*next));
		while (a->type->open(a, next) == -1)
			poll(NULL, 0, 1000);
	}
	for (tail = queue; *tail != NULL; tail = &(*tail)->next)
		;
	for (i = 0; i < 64 &&
	    (d = receive_dgram(a, lfd, MSG_DONTWAIT, buf)) != NULL; i++) {
		*tail = d;
		tail = &d->next;
	}
	/* The client's datagrams, in order, go to its transfer. */
	for (tail = queue; (d = *tail) != NULL;) {
		if (same_sender(d, first)) {
			*tail = d->next;
			d->next = NULL;
			*held = d;
			held = &d->next;
		} else
			tail = &d->next;
	}
	return 0;
}

/*
 * A listener between clients: its address and endpoint, and what it took
 * in ahead of serving it (connections accepted in a burst, datagrams from
 * clients not yet served, with fork the next UDP socket).
 */
struct listener {
	struct addr	*a;
	struct endpoint	*ep;		/* listen_fd; then the client's */
	enum addr_kind	 kind;
	int		 fd;		/* the stream client being served */
	int		 held[ACCEPT_BURST]; /* connections accepted ahead */
	int		 nheld, taken;	/* held[taken..nheld) wait */
	int		 burst;		/* connections taken at once */
	int		 drained;	/* the queue was found empty */
	struct dgram	*queue;		/* datagrams of clients not served */
	struct endpoint	 next;		/* UDP with fork: the next socket */
	char		*buf;		/* room for one datagram */
	int		 kernel_reaps;	/* SIGCHLD is ignored */
	double		 not_before;	/* POSIXMQ-SEND: the next child's time */
};

/*
 * Readies the process to fork a child for each client of a: -lm's switch
 * to syslog, rseq, and who reaps the children.  Returns 1 if the kernel
 * reaps them (SIGCHLD is ignored), else 0.
 */
static int
start_forking(const struct addr *a)
{
	mixed_log_switch();
	stop_rseq();
	/*
	 * Only max-children counts the children.  Otherwise the kernel reaps
	 * them, and a busy listener is not woken by a SIGCHLD for each.
	 */
	if (a->set.max_children == 0 && nprograms == 0) {
		catch_sigchld(0);
		return 1;
	}
	return 0;
}

/*
 * Forks the child that serves the client just taken, and in the parent
 * logs it and, for max-children, counts it.  Returns fork()'s value, -1
 * after logging.
 */
static pid_t
fork_for_client(const struct addr *a)
{
	pid_t pid;

	if ((pid = fork_child()) == -1) {
		logmsg(L_ERROR | L_ERRNO, "fork()");	/* client lost */
	} else if (pid != 0) {
		/*
		 * (Only then: the count's page is shared with the children,
		 * and each write would cost the listener a copy-on-write
		 * fault a connection.)
		 */
		if (a->set.max_children > 0)
			children_forked++;
		logmsg(L_NOTICE, "forked off child process %ld", (long)pid);
	}
	return pid;
}

/* In a new child: undoes for it what start_forking() set up. */
static void
enter_child(int kernel_reaps)
{
	forked_child = 1;
	/* Its own program's exit status matters. */
	if (kernel_reaps)
		catch_sigchld(1);
	/* The parent's program is not the child's to end. */
	if (nprograms != 0)
		nprograms = 0;
}

/* Sets l up to serve a's listening socket in ep.  Returns 0, or -1. */
static int
listener_init(struct listener *l, struct addr *a, struct endpoint *ep)
{
	memset(l, 0, sizeof(*l));
	l->a = a;
	l->ep = ep;
	l->kind = a->type->kind;
	l->fd = -1;
	l->burst = 1;
	l->next.listen_fd = -1;
	if (l->kind != K_STREAM_LISTEN && (l->buf = malloc(65536)) == NULL) {
		logmsg(L_ERROR, "out of memory");
		return -1;
	}
	if (!a->set.fork)
		return 0;
	l->kernel_reaps = start_forking(a);
	/*
	 * A fork listener takes every connection already queued before it
	 * forks for the first: forking is slow, and a burst of clients would
	 * overflow a small backlog (backlog=5, socat's default) while it
	 * forks, each dropped client waiting a second or more to retry.  Not
	 * with max-children, where the waiting belongs in the kernel's queue.
	 */
	if (l->kind == K_STREAM_LISTEN && a->set.max_children == 0 &&
	    set_fd_flags(ep->listen_fd) == 0)
		l->burst = ACCEPT_BURST;
	return 0;
}

/*
 * Returns the next stream connection to serve: before each fork every
 * connection the kernel has queued (up to l->burst), and once the queue
 * was found empty and nothing is held, after poll() says one came.
 * Whether one is queued, poll() with no wait tells, not accept()'s EAGAIN:
 * that would write errno, whose page the children share, and cost the
 * listener a copy-on-write fault per connection.
 */
static int
next_connection(struct listener *l)
{
	struct pollfd lpfd = { .fd = l->ep->listen_fd, .events = POLLIN };
	int lfd = l->ep->listen_fd, fd = 0, ready = 0;

	if (l->burst == 1)
		return accept_one(l->a, lfd, 1);
	if (l->taken == l->nheld)
		l->taken = l->nheld = 0;
	if (l->nheld == l->burst && l->taken > 0) {
		memmove(l->held, l->held + l->taken,
		    (size_t)(l->nheld - l->taken) * sizeof(l->held[0]));
		l->nheld -= l->taken;
		l->taken = 0;
	}
	for (;;) {
		if (!l->drained || l->taken < l->nheld) {
			while (l->nheld < l->burst &&
			    (ready || poll(&lpfd, 1, 0) > 0)) {
				ready = 0;
				if ((fd = accept_one(l->a, lfd, 0)) == -1)
					break;
				l->held[l->nheld++] = fd;
			}
			l->drained = l->nheld < l->burst;
		}
		if (l->taken < l->nheld)
			break;
		if (fd == -1 && errno != EAGAIN && errno != EWOULDBLOCK) {
			/* Out of fds or memory: logged, waited out. */
			l->held[l->nheld++] = accept_one(l->a, lfd, 1);
			break;
		}
		if (wait_client(l->a, &lpfd) > 0)
			l->drained = 0, ready = 1;
	}
	return l->held[l->taken++];
}

/*
 * RECVFROM: takes the next datagram into ep->held, the whole of what its
 * sender gets served.  Returns 0, or -1 if there was none to serve.
 */
static int
next_datagram(struct listener *l)
{
	struct endpoint *ep = l->ep;
	char pbuf[160];

	if ((ep->held = receive_dgram(l->a, ep->listen_fd, 0, l->buf)) == NULL)
		return -1;
	/* Nothing to serve, as in socat: the next one is it. */
	if (ep->held->len == 0) {
		logmsg(L_NOTICE, "received packet with 0 bytes");
		free_dgrams(&ep->held);
		return -1;
	}
	logmsg(L_NOTICE, "receiving packet from %s", format_sockaddr(
	    (struct sockaddr *)&ep->held->from, ep->held->fromlen, pbuf,
	    sizeof(pbuf)));
	return 0;
}

#ifdef HAVE_POSIXMQ
/*
 * POSIXMQ-RECEIVE, and SEND with fork: waits until the queue has a
 * message, which RECEIVE takes into ep->held (the whole of what its child
 * serves, so that no two get the same one), or until it has room for one
 * (SEND: a child an interval= at most, as socat).  Returns 0, or -1 if
 * there was none.
 */
static int
next_message(struct listener *l)
{
	struct endpoint *ep = l->ep;
	int reads = ep->mq & DIR_READ;
	struct pollfd pfd = { .fd = ep->listen_fd,
	    .events = reads ? POLLIN : POLLOUT };

	if (!reads && now() < l->not_before)
		poll(NULL, 0, poll_ms(l->not_before - now()));
	if (poll(&pfd, 1, -1) == -1) {
		if (errno != EINTR) {
			logmsg(L_ERROR | L_ERRNO, "poll(%d)", pfd.fd);
			poll(NULL, 0, 100);	/* no busy loop on a lasting error */
		}
		return -1;
	}
	if (reads)
		return (ep->held = mq_take(ep->listen_fd)) == NULL ? -1 : 0;
	l->not_before = now() + l->a->set.interval;
	return 0;
}
#endif

/*
 * Takes the next client of l: a connection (l->fd), a datagram (RECVFROM),
 * a UDP client's socket (UDP-LISTEN) or a message queue's message or room
 * (POSIXMQ).  Returns 0, or -1 if none came that can be served (a refused
 * or failed one is logged).
 */
static int
next_client(struct listener *l)
{
	switch (l->kind) {
	case K_STREAM_LISTEN:
		l->fd = next_connection(l);
		return 0;
	case K_RECVFROM:
		return next_datagram(l);
#ifdef HAVE_POSIXMQ
	case K_MQUEUE:
		return next_message(l);
#endif
	default:	/* K_DGRAM_LISTEN */
		if (l->queue == NULL && (l->queue = receive_dgram(l->a,
		    l->ep->listen_fd, 0, l->buf)) == NULL)
			return -1;
		return claim_client(l->a, l->ep, &l->queue,
		    l->a->set.fork ? &l->next : NULL, l->buf);
	}
}

/*
 * In the listener, lets go of the client a child now serves (or that is
 * lost when fork() failed): its connection, its datagrams, and for UDP
 * the socket connected to it, which the next socket replaces.
 */
static void
release_client(struct listener *l)
{
	free_dgrams(&l->ep->held);
	if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
	if (l->kind == K_DGRAM_LISTEN) {
		close(l->ep->listen_fd);
		l->ep->listen_fd = l->next.listen_fd;
		l->next.listen_fd = -1;
	}
}

/*
 * In the process that serves the client (a fork child, or the listener
 * without fork): drops what belongs to the listener and to other clients,
 * and makes l->ep the client's endpoint.
 */
static void
become_client(struct listener *l)
{
	struct endpoint *ep = l->ep;
	int i;

	/* The connections held for the next children. */
	for (i = l->taken; i < l->nheld; i++)
		close(l->held[i]);
	if (l->a->set.fork)
		enter_child(l->kernel_reaps);
	if (l->kind == K_STREAM_LISTEN) {
		close(ep->listen_fd);
		ep->listen_fd = -1;
		socket_endpoint(ep, l->fd);
		return;
	}
	if (l->next.listen_fd != -1)
		close(l->next.listen_fd);
	/* Other clients' datagrams: this process serves one client. */
	free_dgrams(&l->queue);
	free(l->buf);
	if (l->kind == K_MQUEUE) {
		ep->listen_fd = -1;
		if (ep->held != NULL)
			ep->rfd = -1;	/* RECEIVE: its one message is all */
		return;
	}
	socket_endpoint(ep, ep->listen_fd);
	ep->listen_fd = -1;
	ep->dgram = 1;
	ep->shut = SHUT_NOTHING;
	if (l->kind == K_RECVFROM) {
		ep->to = ep->held->from;
		ep->tolen = ep->held->fromlen;
		ep->rfd = -1;	/* the one datagram in ep->held is all */
		/* Its ancillary data, for the program it starts (SOCAT_IP_TTL). */
		each_ancillary(ep->held->data + ep->held->len, ep->held->ctllen,
		    1);
	}
}

/*
 * The accept-and-fork loop of a listening address, whose socket open_once()
 * left in ep->listen_fd.  Without fork it waits for the first client and
 * makes ep that client's endpoint.  With fork it takes clients forever and
 * forks a child for each: it returns in each child, with ep that child's
 * client, and never in the listener.  Returns 0, or -1 after logging.
 * (Not inlined: in run()'s frame, the listener's state would push the
 * stack that an idle fork child writes over a page boundary; see
 * run_at_page_top().)
 */
static int __attribute__((noinline))
accept_clients(struct addr *a, struct endpoint *ep)
{
	struct listener l;

	if (listener_init(&l, a, ep) == -1)
		return -1;
	for (;;) {
		if (a->set.fork && a->set.max_children > 0)
			wait_for_child_slot(a->set.max_children);
		if (next_client(&l) == -1)
			continue;
		if (!a->set.fork || fork_for_client(a) == 0)
			break;
		release_client(&l);
	}
	become_client(&l);
	return 0;
}

/*
 * setsid on relay itself: it leads a new session.  A process group leader
 * (a shell's job) cannot, and moves to its parent's group first, as socat
 * does.
 */
static void
lead_session(void)
{
	if (setsid() == -1 && (setpgid(0, getppid()) == -1 || setsid() == -1))
		logmsg(L_WARN | L_ERRNO, "setsid()");
}

/*
 * Stores ep's open fds in fds, the one it reads first, each once (a socket
 * is both).  Returns how many there are: 0, 1 or 2.
 */
static int
endpoint_fds(const struct endpoint *ep, int fds[2])
{
	int n = 0;

	if (ep->rfd != -1)
		fds[n++] = ep->rfd;
	if (ep->wfd != -1 && ep->wfd != ep->rfd)
		fds[n++] = ep->wfd;
	return n;
}

/* Adds the file status flags fl to ep's fds.  Returns 0, or -1 after logging. */
static int
add_fd_flags(const struct endpoint *ep, int fl)
{
	int fds[2], n, i, old;

	n = endpoint_fds(ep, fds);
	for (i = 0; i < n; i++) {
		if ((old = fcntl(fds[i], F_GETFL)) == -1 ||
		    fcntl(fds[i], F_SETFL, old | fl) == -1) {
			logmsg(L_ERROR | L_ERRNO, "fcntl(%d, F_SETFL)", fds[i]);
			return -1;
		}
	}
	return 0;
}

/* cloexec=: sets or clears ep's fds' FD_CLOEXEC.  Returns 0, or -1 after logging. */
static int
set_cloexec(const struct endpoint *ep, int on)
{
	int fds[2], n, i;

	n = endpoint_fds(ep, fds);
	for (i = 0; i < n; i++) {
		if (fcntl(fds[i], F_SETFD, on ? FD_CLOEXEC : 0) == -1) {
			logmsg(L_ERROR | L_ERRNO, "fcntl(%d, F_SETFD, %d)",
			    fds[i], on);
			return -1;
		}
	}
	return 0;
}

#ifdef F_SETPIPE_SZ
/*
 * f-setpipe-sz: sets the size of the pipes ep reads and writes (a program's
 * with pipes, a pipe on STDIO) to size bytes, as socat does for any fd.
 * Returns 0, or -1 after logging.
 */
static int
set_pipe_size(const struct endpoint *ep, int size)
{
	int fds[2], n, i;

	n = endpoint_fds(ep, fds);
	for (i = 0; i < n; i++) {
		if (fcntl(fds[i], F_SETPIPE_SZ, size) == -1) {
			logmsg(L_ERROR | L_ERRNO, "fcntl(%d, F_SETPIPE_SZ, %d)",
			    fds[i], size);
			return -1;
		}
	}
	return 0;
}
#endif

/*
 * chdir=: changes to dir.  Returns a descriptor of the directory it left,
 * for leave_dir(), or -1 after logging.
 */
static int
enter_dir(const char *dir)
{
	int home;

	if ((home = open(".", O_PATH_OR_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		logmsg(L_ERROR | L_ERRNO, "open(\".\")");
		return -1;
	}
	if (chdir(dir) == -1) {
		logmsg(L_ERROR | L_ERRNO, "chdir(\"%s\")", dir);
		close(home);
		return -1;
	}
	return home;
}

/* Goes back to the directory home (from enter_dir()).  Returns 0, or -1. */
static int
leave_dir(int home)
{
	int rc = fchdir(home);

	if (rc == -1)
		logmsg(L_ERROR | L_ERRNO, "fchdir(%d)", home);
	close(home);
	return rc;
}

/*
 * Opens address a into *ep, retrying as retry=, interval= and forever say.
 * A listening address is left with its socket in ep->listen_fd, for
 * accept_clients().  Returns 0, or -1 after logging.
 */
static int
open_once(struct addr *a, struct endpoint *ep)
{
	int attempt, rc, home = -1, fl;
	mode_t mask = 0;

	memset(ep, 0, sizeof(*ep));
	ep->listen_fd = -1;
	/* lockfile= and waitlock= are -L and -W for one address, as socat. */
	if (a->set.lockfile != NULL)
		take_lock(a->set.lockfile, 0);
	if (a->set.waitlock != NULL)
		take_lock(a->set.waitlock, 1);
	/*
	 * chdir= and umask= hold while a opens, as in socat 1.8: a file or
	 * socket file it makes, and a program it starts, get them; the other
	 * address and what follows do not.
	 */
	if (a->set.chdir != NULL && (home = enter_dir(a->set.chdir)) == -1)
		return -1;
	if (a->set.umask != -1)
		mask = umask((mode_t)a->set.umask);
	for (attempt = 0;; attempt++) {
		/*
		 * A failed attempt that will be retried is only a notice.
		 * (Written only when it changes: a fork child that writes no
		 * global keeps its pages shared with the listener.)
		 */
		if (g.retrying != (a->set.forever || attempt < a->set.retry))
			g.retrying = !g.retrying;
		if ((rc = a->type->open(a, ep)) == 0)
			break;
		if (!g.retrying || rc == OPEN_FINAL)
			break;
		poll(NULL, 0, poll_ms(a->set.interval));
	}
	if (g.retrying)
		g.retrying = 0;
	if (a->set.umask != -1)
		umask(mask);
	if (home != -1 && leave_dir(home) == -1)
		rc = -1;
	if (rc != 0)
		return -1;
	/* so-type=2 or 5: each read a datagram or record, kept whole. */
	if (a->set.socktype == SOCK_DGRAM || a->set.socktype == SOCK_SEQPACKET)
		ep->dgram = 1;
	/*
	 * RECV: each datagram read with its ancillary data, which is logged,
	 * as socat does; DATAGRAM: range= and the like judge each sender.
	 */
	if (a->type->kind == K_RECV || ((a->type->kind == K_SENDTO &&
	    (a->type->variant & TV_ANY_SENDER)) &&
	    (a->range_family != AF_UNSPEC || a->range_bytes != 0 ||
	    a->set.sourceport != 0 || a->set.lowport)))
		ep->check = a;
	ep->crnl = a->set.crnl;
	/*
	 * An empty datagram is no EOF but for the connected kinds, as socat,
	 * or with null-eof.
	 */
	ep->ignoreeof = a->set.ignoreeof || (!a->set.null_eof &&
	    (a->type->kind == K_SENDTO || a->type->kind == K_RECV));
	ep->escape = a->set.escape;
	ep->cool_write = (unsigned char)a->set.cool_write;
	ep->left = a->set.readbytes > 0 ? a->set.readbytes : -1;
	if (apply_lock(ep->listen_fd != -1 ? ep->listen_fd :
	    ep->rfd != -1 ? ep->rfd : ep->wfd, a) == -1)
		return -1;
	/* setsid on STDIO or TUN is relay's own (socat's process options). */
	if (a->set.setsid && (a->type->groups & G_PROCESS))
		lead_session();
#ifdef F_SETPIPE_SZ
	if (a->set.pipesz != 0 && set_pipe_size(ep, a->set.pipesz) == -1 &&
	    option_failed() == -1)
		return -1;
#endif
	/*
	 * o-noatime on an fd that relay did not open, and async on any:
	 * fcntl(), as socat.
	 */
	fl = a->set.async ? O_ASYNC : 0;
#ifdef O_NOATIME
	if ((a->set.oflags & O_NOATIME) && a->type->kind != K_FILE)
		fl |= O_NOATIME;
#endif
	if (fl != 0 && add_fd_flags(ep, fl) == -1 && option_failed() == -1)
		return -1;
	/* cloexec=0: a program started for the other address inherits them. */
	if (a->set.cloexec != -1 && set_cloexec(ep, a->set.cloexec) == -1 &&
	    option_failed() == -1)
		return -1;
	/*
	 * su=: a listener drops to the user before its first accept, any
	 * other address but a program (which drops in its own process) once
	 * it is open, as socat does.
	 */
	if (a->set.su != NULL && a->type->kind != K_PROGRAM &&
	    drop_privileges(a->set.su) == -1)
		return -1;
	if (a->type->kind == K_RECV) {
		/*
		 * Not connected, so data for it fails to send, and an EOF
		 * for it ends the relay, as in socat.
		 */
		socket_endpoint(ep, ep->listen_fd);
		ep->listen_fd = -1;
		ep->dgram = 1;
		ep->shut = SHUT_NOTHING;
	}
	return 0;
}

/*
 * fork on a connecting address, socat's connect loop: the connection that
 * open_once() made in ep goes to a child, and the parent connects again
 * interval= later (and once max-children allows), forever.  Returns 0 in
 * each child, with ep its connection; in the parent only -1, when a
 * connection failed for good (retry= and forever= as for the first),
 * which ends it while its children go on.
 */
static int __attribute__((noinline))
fork_connections(struct addr *a, struct endpoint *ep)
{
	int kernel_reaps = start_forking(a);

	while (fork_for_client(a) != 0) {
		close(ep->rfd);		/* the child's, or lost */
		poll(NULL, 0, poll_ms(a->set.interval));
		if (a->set.max_children > 0)
			wait_for_child_slot(a->set.max_children);
		if (open_once(a, ep) == -1)
			return -1;
	}
	enter_child(kernel_reaps);
	return 0;
}

/*
 * Returns how an EOF is passed on to ep: its type's way, or the one a
 * shut-* option asks for.  shut-down on something that is no socket and
 * shut-null on something that takes no datagrams are no-ops, as in socat;
 * shut-close closes the fd even where it is also read, a trap kept as is.
 */
static enum shut_how
shut_wanted(const struct addr *a, const struct endpoint *ep)
{
	switch (a->set.shut) {
	case SH_NONE:
		return SHUT_NOTHING;
	case SH_DOWN:
		return ep->is_socket ? SHUT_SOCKET : SHUT_NOTHING;
	case SH_CLOSE:
		return SHUT_CLOSE;
	case SH_NULL:
		return ep->dgram ? SHUT_DGRAM : SHUT_NOTHING;
	}
	return ep->shut;
}

/*
 * Makes ep, the reading half A of a dual address "A!!B", write to the
 * writing half w (B, whose address is writer) too.
 */
static void
join_halves(struct endpoint *ep, const struct addr *writer,
    const struct endpoint *w)
{
	ep->wfd = w->wfd;
	ep->shut = shut_wanted(writer, w);
	ep->is_socket = ep->is_socket && w->is_socket;
	ep->dgram |= w->dgram;
	ep->to = w->to;
	ep->tolen = w->tolen;
	ep->crnl |= w->crnl;
	ep->program = (ep->program & DIR_READ) | (w->program & DIR_WRITE);
	ep->mq = (ep->mq & DIR_READ) | (w->mq & DIR_WRITE);
	ep->mq_prio = w->mq_prio;
}

/* ------------------------------------------------------------------ */
/* The transfer loop                                                   */
/* ------------------------------------------------------------------ */

/*
 * One direction of the relay.  The two halves point at each other's ends:
 * half 0 reads the left address and writes the right one.
 */
struct half {
	enum way	 way;		/* socat's "socket N" is way + 1 */
	int		 rfd, wfd;
	int		 rsock, wsock;	/* use recv()/send() */
	enum shut_how	 shut;		/* how to pass EOF to the writer */
	struct endpoint	*from;		/* its ended is set at EOF */
	struct endpoint	*to;		/* its wfd is -1 once closed here */
	char		*buf;		/* the copy path's buffer */
	int		 splice;	/* on the splice path */
	int		 pipe[2];	/* its pipe, made at the first read, or -1 */
	int		 grown;		/* the pipe was grown for bulk data */
	size_t		 chunk;		/* most bytes moved per step */
	size_t		 len, off;	/* pending data is [off..len) */
	struct dgram	*held;		/* datagrams to pass before reading */
	double		 wake;		/* ignoreeof: read again from then */
	int		 eof;		/* the reader reached EOF */
	int		 done;
};

/*
 * Reads the next datagram of a SENDTO socket, which takes datagrams from
 * its peer only, as in socat.  Returns its length, or -1 (EAGAIN for a
 * datagram from anyone else, which is dropped).
 */
static ssize_t
recv_peer(struct half *h)
{
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	ssize_t n;

	n = recvfrom(h->rfd, h->buf, h->chunk, MSG_DONTWAIT,
	    (struct sockaddr *)&from, &len);
	if (n != -1 && (len != h->from->tolen ||
	    memcmp(&from, &h->from->to, len) != 0)) {
		logmsg(L_INFO, "recvfrom(): wrong peer address, ignoring packet");
		errno = EAGAIN;
		return -1;
	}
	return n;
}

/*
 * Reads the next datagram of a RECV address (its ancillary data logged),
 * of a DATAGRAM address whose senders range= and the like filter, or of a
 * raw socket: the IP header that a raw IPv4 one reads first is dropped.
 * Returns its length, or -1 (EAGAIN for a datagram that is dropped).
 */
static ssize_t
recv_filtered(struct half *h)
{
	const struct addr *a = h->from->check;
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	union anc_buf ctl;
	size_t ctllen;
	ssize_t n;

	from.ss_family = AF_UNSPEC;
	if (h->from->peer_only) {	/* SENDTO: from its peer, h->from->to */
		n = recv_peer(h);
		from.ss_family = h->from->to.ss_family;
	} else {
		n = recv_ancillary(h->rfd, h->buf, h->chunk, MSG_DONTWAIT,
		    &from, &len, &ctl, &ctllen);
		if (n != -1 && !client_allowed(a, (struct sockaddr *)&from, len)) {
			errno = EAGAIN;
			return -1;
		}
	}
	return a->type->socktype == SOCK_RAW && from.ss_family == AF_INET ?
	    drop_ip_header(h->buf, n) : n;
}

/* Passes EOF on to h's writer, once all its data is out; ends h. */
static void
half_close(struct half *h)
{
	struct pollfd pfd;

	h->done = 1;
	switch (h->shut) {
	case SHUT_SOCKET:
		if (shutdown(h->wfd, SHUT_WR) == -1 && errno != ENOTCONN)
			logmsg(L_WARN | L_ERRNO, "shutdown(%d, SHUT_WR)",
			    h->wfd);
		break;
	case SHUT_DGRAM:
		/*
		 * A datagram socket has no EOF: relay sends an empty one.  Not
		 * over an error already waiting (an earlier datagram refused):
		 * sendto() would take it, and the reader must report it.
		 */
		pfd.fd = h->wfd;
		pfd.events = 0;
		if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR))
			break;
		h->to->sent_eof = 1;
		(void)sendto(h->wfd, "", 0, MSG_DONTWAIT | MSG_NOSIGNAL,
		    h->to->tolen ? (const struct sockaddr *)&h->to->to : NULL,
		    h->to->tolen);
		break;
	case SHUT_CLOSE:
		close(h->wfd);
		h->to->wfd = -1;
		break;
	case SHUT_NOTHING:
		break;
	}
}

/*
 * Returns whether h can move data with splice() through a pipe: where both
 * ends are stream sockets and nothing needs to see the bytes, they never
 * enter user space.  Otherwise h keeps to read() and write().
 */
static int
half_splice(const struct half *h)
{
#ifdef HAVE_SPLICE
	return g.splice && h->rsock && h->wsock && !h->from->dgram &&
	    !g.dump && g.rawfd[0] == -1 && g.rawfd[1] == -1 &&
	    !h->to->dgram && !h->from->crnl && !h->to->crnl &&
	    h->from->escape == -1;
#else
	(void)h;
	return 0;
#endif
}

/*
 * Allocates h's buffer: room for a whole datagram, and for \r added.  It
 * starts a page, as socat's: a read from a file opened with o-direct
 * (O_DIRECT) fails on a buffer not aligned to the device's blocks.
 * Returns 0, or -1 when out of memory.
 */
static int
half_buffer(struct half *h)
{
	void *buf;

	h->chunk = g.bufsize;
	if (h->from->dgram && h->chunk < 65536)
		h->chunk = 65536;
	if (posix_memalign(&buf, (size_t)sysconf(_SC_PAGESIZE),
	    h->to->crnl ? 2 * h->chunk : h->chunk) != 0)
		return -1;
	h->buf = buf;
	return 0;
}

/* Leaves the splice path for the copy path.  Returns 0, or -1 on ENOMEM. */
static int
half_unsplice(struct half *h)
{
	if (h->pipe[0] != -1) {
		close(h->pipe[0]);
		close(h->pipe[1]);
		h->pipe[0] = h->pipe[1] = -1;
	}
	h->splice = 0;
	return half_buffer(h);
}

/*
 * A direction that moves a quarter of its pipe at one go is moving bulk
 * data, which a bigger pipe moves in fewer steps.  (A pipe fills by slots,
 * one per packet fragment, so from a network it may be full with much less
 * than its size.)  The kernel may refuse (fs.pipe-max-size, the user's
 * pipe-user-pages-soft); then the pipe stays as it is.
 */
static void
half_grow_pipe(struct half *h)
{
#ifdef F_SETPIPE_SZ
	int size = fcntl(h->pipe[1], F_SETPIPE_SZ, BULK_PIPE);

	if (size > 0)
		h->chunk = (size_t)size;
#endif
	h->grown = 1;
}

/* Moves what h holds to its writer.  Returns the bytes moved, or -1. */
static ssize_t
push(struct half *h)
{
#ifdef HAVE_SPLICE
	if (h->pipe[0] != -1)
		return splice(h->pipe[0], NULL, h->wfd, NULL, h->len - h->off,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
#endif
#ifdef HAVE_POSIXMQ
	if (h->to->mq & DIR_WRITE)
		return mq_send(h->wfd, h->buf + h->off, h->len - h->off,
		    h->to->mq_prio) == -1 ? -1 : (ssize_t)(h->len - h->off);
#endif
	if (h->to->tolen != 0)
		return sendto(h->wfd, h->buf + h->off, h->len - h->off,
		    MSG_DONTWAIT | MSG_NOSIGNAL,
		    (const struct sockaddr *)&h->to->to, h->to->tolen);
	if (h->wsock)
		return send(h->wfd, h->buf + h->off, h->len - h->off,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
	return write(h->wfd, h->buf + h->off, h->len - h->off);
}

/* Takes in what h's reader has.  Returns the bytes, 0 at EOF, or -1. */
static ssize_t
pull(struct half *h)
{
	ssize_t n;
	struct dgram *d;

	/* readbytes=: what is left of it is all there is. */
	if (h->from->left == 0)
		return 0;
	if (h->from->left > 0 && (size_t)h->from->left < h->chunk)
		h->chunk = (size_t)h->from->left;
	if ((d = h->held) != NULL) {
		h->held = d->next;
		n = (ssize_t)(d->len < h->chunk ? d->len : h->chunk);
		memcpy(h->buf, d->data, (size_t)n);
		if (h->held == NULL && h->rfd == -1)
			h->eof = 1;	/* UDP-RECVFROM: the datagram is all */
		return n;
	}
#ifdef HAVE_SPLICE
	/*
	 * The pipe waits for the first data: a direction that never carries
	 * any costs no pipe.  Without one (no fds left), copy instead.
	 */
	if (h->splice && h->pipe[1] == -1 &&
	    pipe2(h->pipe, O_CLOEXEC | O_NONBLOCK) == -1 &&
	    half_unsplice(h) == -1)
		return -1;
	if (h->splice) {
		n = splice(h->rfd, NULL, h->pipe[1], NULL, h->chunk,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n >= BULK_STEP && !h->grown && !g.bufsize_set)
			half_grow_pipe(h);
		/* A socket kind splice() does not know: copy instead. */
		if (n != -1 || errno != EINVAL)
			return n;
		if (half_unsplice(h) == -1)
			return -1;
	}
#endif
#ifdef HAVE_POSIXMQ
	if (h->from->mq & DIR_READ)
		return mq_receive(h->rfd, h->buf, h->chunk, NULL);
#endif
	if (h->from->check != NULL)
		return recv_filtered(h);
	if (h->from->peer_only)
		return recv_peer(h);
	if (h->rsock)
		return recv(h->rfd, h->buf, h->chunk, MSG_DONTWAIT);
	return read(h->rfd, h->buf, h->chunk);
}

/*
 * Converts line ends in h's fresh data: "\r\n" to "\n" from a crnl reader,
 * "\n" to "\r\n" for a crnl writer (the buffer has room for that).
 */
static void
half_crnl(struct half *h)
{
	size_t i, j, nl = 0;

	if (h->from->crnl) {
		/*
		 * Every CR goes, as in socat: a CR LF split over two reads is
		 * then no different from one in a single read.
		 */
		for (i = j = 0; i < h->len; i++)
			if (h->buf[i] != '\r')
				h->buf[j++] = h->buf[i];
		h->len = j;
	}
	if (h->to->crnl) {
		for (i = 0; i < h->len; i++)
			nl += h->buf[i] == '\n';
		/* Widen in place from the end; half_buffer() left the room. */
		for (i = h->len, j = h->len + nl; i > 0;) {
			h->buf[--j] = h->buf[--i];
			if (h->buf[i] == '\n')
				h->buf[--j] = '\r';
		}
		h->len += nl;
	}
}

#define DUMP_ROOM	80	/* more than one row of -v -x output */

/*
 * Writes out[0..n) to stderr if less than DUMP_ROOM is left of size.
 * Returns the new n.
 */
static size_t
dump_flush(const char *out, size_t n, size_t size)
{
	if (size - n >= DUMP_ROOM)
		return n;
	(void)!write(2, out, n);
	return 0;
}

/*
 * Shows a block of relayed data on stderr as socat's -v (text), -x (hex)
 * or both (16 bytes a row) do, and copies it to the -r/-R file.  Only
 * reads the data.
 */
static void
dump_block(enum way way, const char *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	static const char escapes[] = "\aa\bb\ff\rr\vv\\\\";
	struct timeval tv;
	char line[128], out[4096];
	size_t i, j, n, row;
	int k;

	if (g.rawfd[way] != -1)
		(void)!write(g.rawfd[way], data, len);
	if (g.dump == 0)
		return;
	gettimeofday(&tv, NULL);
	k = format_time(tv.tv_sec, line + 2);
	line[0] = way == LEFT_TO_RIGHT ? '>' : '<';
	line[1] = ' ';
	k += 2;
	k += snprintf(line + k, sizeof(line) - k, ".%09ld  length=%zu from=%llu to=%llu\n",
	    (long)tv.tv_usec, len, g.dumped[way], g.dumped[way] + len - 1);
	(void)!write(2, line, (size_t)k);
	g.dumped[way] += len;
	/*
	 * out is written whenever less than DUMP_ROOM is left, which is more
	 * than one step of any loop below adds: a hex row is 67 bytes.
	 */
	n = 0;
	if (g.dump == DUMP_TEXT) {
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)data[i];
			const char *e;

			n = dump_flush(out, n, sizeof(out));

			/* socat shows these as C escapes, the rest as is or '.'. */
			for (e = escapes; *e != '\0' && *e != (char)c; e += 2)
				;
			if (*e != '\0') {
				out[n++] = '\\';
				out[n++] = e[1];
			} else {
				out[n++] = c == '\n' || c == '\t' ||
				    (c >= 0x20 && c < 0x7f) ? (char)c : '.';
			}
		}
	} else if (g.dump == DUMP_HEX) {
		for (i = 0; i < len; i++) {
			n = dump_flush(out, n, sizeof(out));
			out[n++] = ' ';
			out[n++] = hex[(unsigned char)data[i] >> 4];
			out[n++] = hex[(unsigned char)data[i] & 15];
		}
		out[n++] = '\n';
	} else {
		for (i = 0; i < len; i += row) {
			n = dump_flush(out, n, sizeof(out));
			/* A row ends after 16 bytes or after a newline. */
			for (row = 0; i + row < len && row < 16;)
				if (data[i + row++] == '\n')
					break;
			for (j = 0; j < 16; j++) {
				out[n++] = ' ';
				out[n++] = j < row ? hex[(unsigned char)data[i + j] >> 4] : ' ';
				out[n++] = j < row ? hex[(unsigned char)data[i + j] & 15] : ' ';
			}
			out[n++] = ' ';
			out[n++] = ' ';
			for (j = 0; j < row; j++) {
				unsigned char c = (unsigned char)data[i + j];

				out[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
			}
			out[n++] = '\n';
		}
		out[n++] = '-';
		out[n++] = '-';
		out[n++] = '\n';
	}
	(void)!write(2, out, n);
}

/*
 * Writes what h holds.  Returns 1 if anything moved, 0 if the writer is
 * full, or -1 after logging an E.
 */
static int
half_write(struct half *h)
{
	ssize_t n = push(h);

	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		/*
		 * cool-write: a reader that went away ends this direction
		 * with a notice, as socat, and no failure.
		 */
		if ((errno == EPIPE || errno == ECONNRESET) && h->to->cool_write) {
			logmsg(L_NOTICE | L_ERRNO, "write(%d, %zu)",
			    h->wfd, h->len - h->off);
			h->off = h->len = 0;
			h->done = 1;
			return 1;
		}
		logmsg(L_ERROR | L_ERRNO, "write(%d, %zu)",
		    h->wfd, h->len - h->off);
		return -1;
	}
	/* A datagram goes out whole or not at all. */
	h->off = h->to->dgram ? h->len : h->off + (size_t)n;
	if (h->off == h->len) {
		h->off = h->len = 0;
		if (h->eof)
			half_close(h);
	}
	return 1;
}

/*
 * Reads into h's empty buffer and writes at once what it can.
 * Returns 1 if anything moved (EOF counts), 0 if nothing, -1 on error.
 */
static int
half_read(struct half *h)
{
	ssize_t n = pull(h);
	char *esc;

	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		/*
		 * A program that exits leaving input unread resets its end;
		 * a pty master reads EIO once the program has gone; a refusal
		 * after relay's empty datagram is the answer to that.
		 */
		if (!((errno == ECONNRESET || errno == EIO) &&
		    h->from->pid != 0) &&
		    !(errno == ECONNREFUSED && h->from->sent_eof)) {
			logmsg(L_ERROR | L_ERRNO, "read(%d, %zu)",
			    h->rfd, h->chunk);
			return -1;
		}
		n = 0;
	}
	if (n > 0 && h->from->escape != -1 &&
	    (esc = memchr(h->buf, h->from->escape, (size_t)n)) != NULL) {
		/* Like EOF there: what came before goes out, the rest not. */
		n = esc - h->buf;
		h->eof = 1;
	}
	if (n == 0) {
		if (h->from->ignoreeof && !h->eof) {
			/* Like tail -f: look again a little later; an empty
			 * datagram is skipped. */
			if (!h->from->dgram)
				h->wake = now() + 0.2;
			return 0;
		}
		logmsg(L_NOTICE, "socket %d (fd %d) is at EOF", h->way + 1, h->rfd);
		h->eof = 1;
		h->from->ended = 1;
		half_close(h);
		return 1;
	}
	if (h->from->left > 0)
		h->from->left -= n;
	logmsg(L_INFO, "transferred %zd bytes from %d to %d", n, h->rfd, h->wfd);
	moved[h->way].bytes += (unsigned long long)n;
	moved[h->way].packets++;
	h->len = (size_t)n;
	h->off = 0;
	if (g.dump || g.rawfd[h->way] != -1)
		dump_block(h->way, h->buf, h->len);
	if (h->buf != NULL && (h->from->crnl || h->to->crnl))
		half_crnl(h);
	return half_write(h) == -1 ? -1 : 1;
}

/* Sets h up: fds, how to pass EOF, and a buffer or a pipe. */
static int
half_init(struct half *h, enum way way, struct endpoint *from,
    struct endpoint *to)
{
	h->way = way;
	h->from = from;
	h->to = to;
	h->rfd = from->rfd;
	h->wfd = to->wfd;
	h->rsock = from->is_socket;
	h->wsock = to->is_socket;
	h->shut = to->shut;
	h->pipe[0] = h->pipe[1] = -1;
	h->done = !(g.ways == BOTH_WAYS || g.ways == way) || h->wfd == -1 ||
	    (h->rfd == -1 && from->held == NULL);
	if (h->done)
		return 0;
	if ((h->splice = half_splice(h))) {
		/* The pipe holds 64 KiB; -b still caps a step. */
		h->chunk = g.bufsize_set ? g.bufsize : 65536;
		return 0;
	}
	if (half_buffer(h) == -1) {
		logmsg(L_ERROR | L_ERRNO, "malloc(%zu)", h->chunk);
		return -1;
	}
	h->held = from->held;
	/*
	 * UDP-RECVFROM's one datagram is all: its end reaches a program as
	 * EOF (so "wc -c" answers), but never as an empty datagram (a DNS
	 * server would choke).
	 */
	if (h->rfd == -1 && h->shut == SHUT_DGRAM)
		h->shut = SHUT_NOTHING;
	return 0;
}

/* Formats t as ctime() does, without the newline.  Returns buf. */
static char *
format_ctime(time_t t, char *buf)
{
	static const char days[] = "ThuFriSatSunMonTueWed";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char stamp[24];
	long d = (long)((t + utc_offset) / 86400);

	if ((t + utc_offset) % 86400 < 0)
		d--;
	format_time(t, stamp);			/* YYYY/MM/DD HH:MM:SS */
	snprintf(buf, 32, "%.3s %.3s %2d %.8s %.4s",
	    days + 3 * (((d % 7) + 7) % 7),
	    months + 3 * ((stamp[5] - '0') * 10 + stamp[6] - '0' - 1),
	    (stamp[8] - '0') * 10 + stamp[9] - '0', stamp + 11, stamp);
	return buf;
}

/*
 * -D: describes fd on stderr in socat 1.8's table: what fstat() and
 * fcntl() say, then the socket's two ends, or a pipe's size, and what
 * poll() finds ready.
 */
static void
describe_fd(int fd)
{
	static const struct { mode_t type; const char *name; } kinds[] = {
		{ S_IFREG, "file" }, { S_IFCHR, "chrdev" }, { S_IFIFO, "pipe" },
		{ S_IFSOCK, "socket" }, { S_IFDIR, "dir" },
		{ S_IFBLK, "blkdev" }, { S_IFLNK, "symlink" },
	};
	static const struct { short bit; const char *name; } ready[] = {
		{ POLLIN, "IN," }, { POLLPRI, "PRI," }, { POLLOUT, "OUT," },
		{ POLLERR, "ERR," }, { POLLNVAL, "NVAL," },
	};
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLPRI | POLLOUT };
	struct sockaddr_storage ss;
	socklen_t len;
	struct stat st;
	char line[1024], t[3][32], sa[160];
	const char *kind = "unknown";
	size_t i;
	int n, avail;

	if (fstat(fd, &st) == -1) {
		logmsg(L_ERROR | L_ERRNO, "fstat(%d)", fd);
		return;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((st.st_mode & S_IFMT) == kinds[i].type)
			kind = kinds[i].name;
	n = snprintf(line, sizeof(line), "%4d: %s\t%u,%u\t%llu\t0%o\t%lu\t%u\t%u"
	    "\t%u,%u\t%lld\t%ld\t%lld\t%s\t%s\t%s\t%d\tx%06x\t%d\t%d", fd, kind,
	    major(st.st_dev), minor(st.st_dev), (unsigned long long)st.st_ino,
	    (unsigned)st.st_mode, (unsigned long)st.st_nlink,
	    (unsigned)st.st_uid, (unsigned)st.st_gid, major(st.st_rdev),
	    minor(st.st_rdev), (long long)st.st_size, (long)st.st_blksize,
	    (long long)st.st_blocks, format_ctime(st.st_atime, t[0]),
	    format_ctime(st.st_mtime, t[1]), format_ctime(st.st_ctime, t[2]),
	    (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, fcntl(fd, F_GETFL),
	    fcntl(fd, F_GETOWN),
#ifdef F_GETSIG
	    fcntl(fd, F_GETSIG)
#else
	    0
#endif
	    );
	if (S_ISSOCK(st.st_mode)) {
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
			n += snprintf(line + n, sizeof(line) - n, "\t%s",
			    format_sockaddr((struct sockaddr *)&ss, len, sa,
			    sizeof(sa)));
		len = sizeof(ss);
		if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
			n += snprintf(line + n, sizeof(line) - n, " <-> %s",
			    format_sockaddr((struct sockaddr *)&ss, len, sa,
			    sizeof(sa)));
	}
#ifdef F_GETPIPE_SZ
	if (S_ISFIFO(st.st_mode))
		n += snprintf(line + n, sizeof(line) - n, "\tF_GETPIPE_SZ=%d",
		    fcntl(fd, F_GETPIPE_SZ));
#endif
	n += snprintf(line + n, sizeof(line) - n, "\tpoll: ");
	if (poll(&pfd, 1, 0) == 1)
		for (i = 0; i < sizeof(ready) / sizeof(ready[0]); i++)
			if (pfd.revents & ready[i].bit)
				n += snprintf(line + n, sizeof(line) - n, "%s",
				    ready[i].name);
	if ((pfd.revents & POLLIN) && ioctl(fd, FIONREAD, &avail) == 0)
		n += snprintf(line + n, sizeof(line) - n, "; FIONREAD=%d", avail);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

/* -D: the table of the fds the transfer is about to use, as socat's. */
static void
describe_fds(const struct endpoint *left, const struct endpoint *right)
{
	static const char head[] = "  FD  type\tdevice\tinode\tmode\tlinks\tuid"
	    "\tgid\trdev\tsize\tblksize\tblocks\tatime\t\t\t\tmtime\t\t\t\t"
	    "ctime\t\t\t\tcloexec\tflags\tsigown\tsigio\n";
	const struct endpoint *ep[2] = { left, right };
	int i;

	(void)!write(STDERR_FILENO, head, sizeof(head) - 1);
	for (i = 0; i < 2; i++) {
		if (ep[i]->rfd != -1)
			describe_fd(ep[i]->rfd);
		if (ep[i]->wfd != -1 && ep[i]->wfd != ep[i]->rfd)
			describe_fd(ep[i]->wfd);
	}
}

/*
 * Logs the bytes and blocks that crossed each direction so far, whatever
 * -d says, in socat 1.8's words for --statistics and SIGUSR1.  Before the
 * transfer there is nothing to count: that is a warning.
 */
static void
log_statistics(void)
{
	static const char *const dir[2] = { "left to right", "right to left" };
	char num[24];
	int i, wp, wb;

	if (!transferring) {
		logmsg(L_WARN, NOT_STARTED);
		return;
	}
	/* The two lines line up: each column as wide as its larger number. */
	wp = snprintf(num, sizeof(num), "%llu", moved[0].packets > moved[1].packets ?
	    moved[0].packets : moved[1].packets);
	wb = snprintf(num, sizeof(num), "%llu", moved[0].bytes > moved[1].bytes ?
	    moved[0].bytes : moved[1].bytes);
	logmsg(L_WARN | L_ALWAYS, "statistics are experimental");
	for (i = 0; i < 2; i++)
		if (g.ways == BOTH_WAYS || g.ways == (enum way)i)
			logmsg(L_INFO | L_ALWAYS, "STATISTICS: %s: %*llu packets(s), "
			    "%*llu byte(s)", dir[i], wp, moved[i].packets, wb,
			    moved[i].bytes);
}

/*
 * Reads what needs no poll(): datagrams taken in before the transfer go
 * out first, and a reader at the end of its readbytes= is at EOF now,
 * without waiting for more input to show up (which the peer may only send
 * once it has seen that EOF's consequences).  Returns 0, or -1 after an
 * error.
 */
static int
read_without_poll(struct half h[2])
{
	int i;

	for (i = 0; i < 2; i++)
		while (!h[i].done && h[i].len == 0 && (h[i].held != NULL ||
		    (h[i].from->left == 0 && h[i].wake == 0)))
			if (half_read(&h[i]) == -1)
				return -1;
	return 0;
}

/*
 * Fills pfd with what each half waits for: to write its pending data, or
 * to read (idx[i] is the half's slot, or -1 when it waits for nothing).
 * An ignoreeof reader waits for its time to read again, which lowers
 * *deadline (-1: none yet).  Returns the number of slots.
 */
static int
poll_set(struct half h[2], struct pollfd pfd[2], int idx[2], double *deadline)
{
	int i, n = 0;

	for (i = 0; i < 2; i++) {
		idx[i] = -1;
		if (h[i].done)
			continue;
		if (h[i].len == 0 && h[i].wake > 0) {
			if (now() < h[i].wake) {
				if (*deadline < 0 || h[i].wake < *deadline)
					*deadline = h[i].wake;
				continue;
			}
			h[i].wake = 0;
		}
		idx[i] = n;
		pfd[n].fd = h[i].len > 0 ? h[i].wfd : h[i].rfd;
		pfd[n].events = h[i].len > 0 ? POLLOUT : POLLIN;
		pfd[n++].revents = 0;
	}
	return n;
}

/*
 * Copies between left and right until both directions are done, the -t
 * wait after the first EOF runs out, or -T finds nothing moving; *cut
 * says whether it ended so, or by an error, before both were done.
 * Returns the exit status: 0, or 1 after an error.
 */
static int
transfer(struct endpoint *left, struct endpoint *right, int *cut)
{
	struct half h[2];
	struct pollfd pfd[2];
	int idx[2], i, n, rc, status = 1, ruled_out;
	int timed = g.idle > 0;	/* last is kept: -T, or -t after an EOF */
	double last = timed ? now() : 0, deadline, wait, t;

	memset(h, 0, sizeof(h));
	transferring = 1;
	mixed_log_switch();
	logmsg(L_NOTICE, "starting data transfer loop with FDs [%d,%d] and [%d,%d]",
	    left->rfd, left->wfd, right->rfd, right->wfd);
	if (half_init(&h[0], LEFT_TO_RIGHT, left, right) == -1 ||
	    half_init(&h[1], RIGHT_TO_LEFT, right, left) == -1)
		goto out;
	/* A direction the command line or the address rules out is done. */
	ruled_out = h[0].done + h[1].done;
	/* Where both directions share one fd, closing would cut the other. */
	for (i = 0; i < 2; i++)
		if (h[i].shut == SHUT_CLOSE && !h[1 - i].done &&
		    h[i].wfd == h[1 - i].rfd)
			h[i].shut = SHUT_NOTHING;
	while (!(h[0].done && h[1].done)) {
		if (stats_wanted) {
			stats_wanted = 0;
			log_statistics();
		}
		if (read_without_poll(h) == -1)
			goto out;
		/* (readbytes= may have ended the last direction there.) */
		if (h[0].done && h[1].done)
			break;
		/* No clock read per move until a timer needs one. */
		if (!timed && h[0].done + h[1].done > ruled_out) {
			timed = 1;
			last = now();
		}
		deadline = -1;
		n = poll_set(h, pfd, idx, &deadline);
		/* After one EOF the other direction gets -t; -T always applies. */
		if (h[0].done + h[1].done > ruled_out &&
		    (deadline < 0 || last + g.closewait < deadline))
			deadline = last + g.closewait;
		if (g.idle > 0 && (deadline < 0 || last + g.idle < deadline))
			deadline = last + g.idle;
		wait = deadline < 0 ? -1 : deadline - now();
		if (deadline >= 0 && wait < 0)
			wait = 0;
		rc = poll(pfd, n, wait < 0 ? -1 : poll_ms(wait));
		if (rc == -1) {
			if (errno == EINTR)
				continue;
			logmsg(L_ERROR | L_ERRNO, "poll()");
			goto out;
		}
		if (rc == 0) {
			t = now();
			if (h[0].done + h[1].done > ruled_out &&
			    t >= last + g.closewait)
				break;
			if (g.idle > 0 && t >= last + g.idle) {
				logmsg(L_NOTICE, "inactivity timeout triggered");
				break;
			}
			continue;
		}
		for (i = 0; i < 2; i++) {
			if (idx[i] == -1 || pfd[idx[i]].revents == 0)
				continue;
			rc = h[i].len > 0 ? half_write(&h[i]) : half_read(&h[i]);
			if (rc == -1) {
				if (errno == ENOMEM)
					logmsg(L_ERROR, "out of memory");
				goto out;
			}
			if (rc == 1) {
				/*
				 * An ignoreeof reader on the other side
				 * looks again at once, as socat's does: what
				 * moved here may be what it waits for (a file
				 * echoed through itself).
				 */
				h[1 - i].wake = 0;
				if (timed)
					last = now();
			}
		}
	}
	status = 0;
out:
	*cut = !(h[0].done && h[1].done);
	/*
	 * The buffers and pipes are not freed: relay exits right after the
	 * transfer, and four close() calls per connection are saved.
	 */
	return status;
}

/*
 * Waits up to ticks * 10 ms for the programs marked in wanted[] to end,
 * sending SIGTERM at tick term and SIGKILL 100 ticks later to those marked
 * in wanted[] with 2.  Returns the number still running.
 */
static int
wait_programs(const int wanted[MAX_PROGRAMS], int ticks, int term)
{
	int i, tick, left = 0;

	for (tick = 0; tick < ticks; tick++) {
		for (i = left = 0; i < nprograms; i++) {
			if (!wanted[i] || programs[i].done)
				continue;
			left++;
			if (wanted[i] == 2 && (tick == term || tick == term + 100))
				(void)kill(programs[i].pid,
				    tick == term ? SIGTERM : SIGKILL);
		}
		if (left == 0)
			break;
		poll(NULL, 0, 10);
	}
	return left;
}

/*
 * Ends the EXEC/SYSTEM programs once the transfer is over.  A program
 * that ended by itself counts: relay fails (exit status 1) if it failed,
 * with an E for each, as socat 1.8 does for a child that ends while it
 * runs.  A program whose output reached EOF is ending, and gets a second
 * for it.  Then relay closes the programs' endpoints, so that the others
 * see EOF, and ends them as socat does: where cut (a timeout or an error
 * ended the transfer) with SIGTERM at once, else (each direction reached
 * its EOF) a second later; SIGKILL, which socat never sends, a second after
 * that.  How they end now is their answer to the close or the signal, not
 * a failure.  Returns 1 if a program failed, else 0.
 */
static int
finish_programs(struct endpoint ep[2], int cut)
{
	int i, k, st, failed = 0, wanted[MAX_PROGRAMS] = { 0 };
	int counts[MAX_PROGRAMS];

	if (nprograms == 0)
		return 0;
	for (i = 0; i < 2; i++)
		for (k = 0; k < nprograms; k++)
			if (ep[i].ended && ep[i].pid == programs[k].pid)
				wanted[k] = 1;
	(void)wait_programs(wanted, 100, 0);
	/* end-close: a program left running is not waited for, as socat. */
	for (k = 0; k < nprograms; k++) {
		counts[k] = programs[k].done;
		wanted[k] = programs[k].keep ? 0 : 2;
	}
	/* Only a program's fds: a terminal's settings come back later. */
	for (i = 0; i < 2; i++) {
		if ((ep[i].program & DIR_WRITE) && ep[i].wfd != ep[i].rfd)
			close(ep[i].wfd), ep[i].wfd = -1;
		if (ep[i].program & DIR_READ)
			close(ep[i].rfd), ep[i].rfd = -1;
	}
	(void)wait_programs(wanted, cut ? 200 : 300, cut ? 0 : 100);
	for (k = 0; k < nprograms; k++) {
		st = programs[k].status;
		if (!programs[k].done || (WIFEXITED(st) && WEXITSTATUS(st) == 0))
			continue;
		if (WIFEXITED(st))
			logmsg(counts[k] ? L_ERROR : L_INFO, "waitpid(): child %ld "
			    "exited with status %d", (long)programs[k].pid,
			    WEXITSTATUS(st));
		else
			logmsg(counts[k] ? L_ERROR : L_INFO, "waitpid(): child %ld "
			    "exited on signal %d", (long)programs[k].pid,
			    WTERMSIG(st));
		failed |= counts[k];
	}
	return failed;
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

/* Ends relay: removes the listener's socket file, logs, exits. */
static void
relay_exit(int status)
{
	cleanup();
	logmsg(L_NOTICE, "exiting with status %d", status);
	if (g.statistics)
		log_statistics();
	/*
	 * A fork child ends with _exit(): it wrote nothing through stdio
	 * and has no atexit() work, while exit()'s own (libc's stdio and
	 * locks, the loader's destructors) writes to pages it shares with
	 * the listener: about 15 copy-on-write faults a connection.
	 */
	if (forked_child)
		_exit(status);
	exit(status);
}

/*
 * Writes the log line "date prog[pid] <text><num>" (num only if >= 0) for
 * a signal handler: async-signal-safe, so built by hand, and not to syslog.
 */
static void
signal_log(const char *text, int num)
{
	char line[160], digits[24];
	int n, p;
	long v;

	if (g.syslog == LOG_TO_SYSLOG)
		return;
	n = format_time(time(NULL), line);
	line[n++] = ' ';
	for (p = 0; g.prog[p] != '\0' && n < 60; p++)
		line[n++] = g.prog[p];
	line[n++] = '[';
	for (p = 0, v = (long)getpid(); v > 0 || p == 0; v /= 10)
		digits[p++] = '0' + (char)(v % 10);
	while (p > 0)
		line[n++] = digits[--p];
	line[n++] = ']';
	line[n++] = ' ';
	for (p = 0; text[p] != '\0' && n < 150; p++)
		line[n++] = text[p];
	for (p = 0, v = num; num >= 0 && (v > 0 || p == 0); v /= 10)
		digits[p++] = '0' + (char)(v % 10);
	while (p > 0)
		line[n++] = digits[--p];
	line[n++] = '\n';
	(void)!write(g.logfd, line, n);
}

/* Writes v right-aligned in width characters at buf + n.  Returns the new n. */
static int
put_number(char *buf, int n, unsigned long long v, int width)
{
	char digits[24];
	int p = 0;

	do
		digits[p++] = '0' + (char)(v % 10);
	while ((v /= 10) > 0);
	while (width-- > p)
		buf[n++] = ' ';
	while (p > 0)
		buf[n++] = digits[--p];
	return n;
}

/* Appends text to buf at n.  Returns the new n. */
static int
put_text(char *buf, int n, const char *text)
{
	while (*text != '\0')
		buf[n++] = *text++;
	return n;
}

/*
 * log_statistics() for a signal handler, whose lines are built by hand:
 * a transfer ended by a signal still reports its counters, as in socat.
 */
static void
signal_statistics(void)
{
	static const char *const dir[2] = { "left to right: ", "right to left: " };
	unsigned long long maxp, maxb;
	char line[128];
	int i, n, wp, wb;

	maxp = moved[0].packets > moved[1].packets ? moved[0].packets : moved[1].packets;
	maxb = moved[0].bytes > moved[1].bytes ? moved[0].bytes : moved[1].bytes;
	for (wp = 1; maxp >= 10; maxp /= 10)
		wp++;
	for (wb = 1; maxb >= 10; maxb /= 10)
		wb++;
	signal_log("W statistics are experimental", -1);
	for (i = 0; i < 2; i++) {
		if (g.ways != BOTH_WAYS && g.ways != (enum way)i)
			continue;
		n = put_text(line, 0, "I STATISTICS: ");
		n = put_text(line, n, dir[i]);
		n = put_number(line, n, moved[i].packets, wp);
		n = put_text(line, n, " packets(s), ");
		n = put_number(line, n, moved[i].bytes, wb);
		n = put_text(line, n, " byte(s)");
		line[n] = '\0';
		signal_log(line, -1);
	}
}

/*
 * Hands sig to this process's programs that asked for it (options sighup,
 * sigint, sigquit), as socat does: relay itself goes on, and ends when the
 * program does.  Returns nonzero when some program took it.
 */
static int
pass_signal(int sig)
{
	pid_t self = getpid();
	int i, passed = 0;

	for (i = 0; i < nprograms; i++)
		if (programs[i].parent == self && !programs[i].done &&
		    (programs[i].passes & (1 << sig)) &&
		    kill(programs[i].pid, sig) == 0)
			passed = 1;
	if (passed && L_NOTICE >= g.loglevel)
		signal_log("N passing on signal ", sig);
	return passed;
}

/*
 * Ends relay on a fatal signal with socat's status, 128 + the signal.
 * Only async-signal-safe calls.
 */
static void
on_fatal_signal(int sig)
{
	/* socat's levels: a quit is an error, an interrupt or hang-up a notice. */
	int level = sig == SIGQUIT ? L_ERROR : sig == SIGTERM ? L_WARN : L_NOTICE;
	char text[] = "? exiting on signal ";

	if (pass_signal(sig))
		return;
	cleanup();
	text[0] = level_letter[level];
	if (level >= g.loglevel)
		signal_log(text, sig);
	if (g.statistics && transferring)
		signal_statistics();
	else if (g.statistics && L_WARN >= g.loglevel)
		signal_log("W " NOT_STARTED, -1);
	_exit(128 + sig);
}

/*
 * SIGUSR1 asks for the statistics: the transfer loop logs them; before
 * the transfer (a fork listener, say) there are none, which is said here.
 */
static void
on_sigusr1(int sig)
{
	(void)sig;
	if (transferring)
		stats_wanted = 1;
	else if (L_WARN >= g.loglevel)
		signal_log("W " NOT_STARTED, -1);
}

/* Counts reaped children for max-children; reaping here leaves no zombie. */
static void
on_sigchld(int sig)
{
	int saved = errno, status, i;
	pid_t pid = 0;

	(void)sig;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < nprograms && programs[i].pid != pid; i++)
			;
		if (i < nprograms) {
			programs[i].status = status;
			programs[i].done = 1;
		} else {
			children_reaped++;
		}
	}
	errno = saved;
}

/*
 * With catch, on_sigchld() reaps and counts this process's children;
 * without, the kernel reaps them and sends no SIGCHLD.
 */
static void
catch_sigchld(int catch)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = catch ? on_sigchld : SIG_IGN;
	sa.sa_flags = catch ? SA_NOCLDSTOP | SA_RESTART : 0;
	sigaction(SIGCHLD, &sa, NULL);
}

static void
setup_signals(void)
{
	static const int fatal[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_fatal_signal;
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	catch_sigchld(1);
	sa.sa_handler = on_sigusr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * Takes the lock file of -L (fail if it exists) or -W (wait until it is
 * gone, checking every second, as socat does), writing relay's pid to it.
 * Dies when it cannot.
 */
static void
take_lock(const char *path, int wait)
{
	char pid[24];
	int fd, n;

	if (strlen(path) >= PATH_MAX)
		die("lock file name too long");
	while ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		if (errno != EEXIST)
			die("open(\"%s\"): %s", path, strerror(errno));
		if (!wait)
			die("lock file \"%s\" exists", path);
		logmsg(L_INFO, "waiting for lock file \"%s\"", path);
		poll(NULL, 0, 1000);
	}
	add_cleanup(path);
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	(void)!write(fd, pid, (size_t)n);
	close(fd);
}

static void
usage(void)
{
	const struct addr_type *t;
	const struct opt_desc *o;
	static const char *const kind[] = {
		[K_STDIO] = "stdio", [K_STREAM_CONNECT] = "connect",
		[K_STREAM_LISTEN] = "listen", [K_DGRAM_CONNECT] = "connect",
		[K_DGRAM_LISTEN] = "listen", [K_RECVFROM] = "listen",
		[K_SENDTO] = "sendto", [K_RECV] = "listen", [K_PROGRAM] = "program",
		[K_FILE] = "file", [K_PIPE] = "pipe", [K_FD] = "fd",
		[K_PTY] = "pty", [K_PACKET] = "packet", [K_MQUEUE] = "mqueue",
	};
	char entry[64];
	int wtype = 0, wname = 0, whelp = 0, n;
	size_t i;

	/* Columns as wide as the widest entry, so that none runs over. */
	for (i = 0; i < n_addr_types; i++) {
		t = &addr_types[i];
		if ((n = (int)(strlen(t->name) + strlen(t->params))) > wtype)
			wtype = n;
	}
	for (i = 0; i < n_opt_descs; i++) {
		o = &opt_descs[i];
		if ((n = (int)strlen(o->name)) > wname)
			wname = n;
		if (o->help && (n = (int)strlen(o->help)) > whelp)
			whelp = n;
	}
	printf("relay %s: a small socat-compatible relay\n"
	    "Usage:\n"
	    "  %s [options] <address> <address>\n"
	    "options:\n"
	    "  -h       print this help and exit\n"
	    "  -hh, -hhh  ... and the address types and options in socat's layout\n"
	    "  -V       print version and feature information and exit\n"
	    "  -d[ddd]  more verbose: -d warnings, -dd notices, -ddd info, -dddd debug\n"
	    "  -d0 .. -d4  set the verbosity in one flag (-d0: errors only)\n"
	    "  -lf <file>  log to file instead of stderr\n"
	    "  -lp <name>  name in log lines and program variables (SOCAT)\n"
	    "  -lu / -lh / -ls  microseconds / host name in log lines / log to stderr\n"
	    "  -ly[facility] log to syslog; -lm[facility]: stderr, then syslog\n"
	    "  -t <sec> wait this long for the other direction after EOF (0.5)\n"
	    "  -T <sec> end after this long without any data\n"
	    "  -v       dump the data as text on stderr; -x as hex; both: rows\n"
	    "  -r <file>  append the left-to-right data to file, raw ($VARS expanded)\n"
	    "  -R <file>  append the right-to-left data to file, raw ($VARS expanded)\n"
	    "  -L <lockfile>  fail if it exists, else hold it; -W: wait for it\n"
	    "  -s       sloppy: an option that cannot be applied is logged, no more\n"
	    "  -D       describe the file descriptors before the transfer\n"
	    "  --statistics  log the bytes and blocks moved at exit (and on SIGUSR1)\n"
	    "  -u       unidirectional: left to right only\n"
	    "  -U       unidirectional: right to left only\n"
	    "  -b <size> transfer block size (8192)\n"
	    "  -4 / -6  prefer IPv4 / IPv6 where the address leaves it open\n"
	    "address types (TYPE[:params][,option...]):\n", RELAY_VERSION, g.prog);
	for (i = 0; i < n_addr_types; i++) {
		t = &addr_types[i];
		snprintf(entry, sizeof(entry), "%s%s", t->name, t->params);
		if (t->aliases)
			printf("  %-*s  %-7s  aliases: %s\n", wtype, entry,
			    kind[t->kind], t->aliases);
		else
			printf("  %-*s  %s\n", wtype, entry, kind[t->kind]);
	}
	printf("address options:\n");
	for (i = 0; i < n_opt_descs; i++) {
		o = &opt_descs[i];
		if (o->aliases)
			printf("  %-*s  %-*s  aliases: %s\n", wname, o->name,
			    whelp, o->help ? o->help : "", o->aliases);
		else if (o->help)
			printf("  %-*s  %s\n", wname, o->name, o->help);
		else
			printf("  %s\n", o->name);
	}
}

/* Returns nonzero when relay has the feature f (see features[]). */
static int
has_feature(const struct feature *f)
{
	switch (f->probe) {
	case FEAT_ALWAYS:
		return 1;
	case FEAT_TYPE:
		return find_addr_type(f->row) != NULL;
	case FEAT_OPTION:
		return find_option(f->row) != NULL;
	default:
		return 0;
	}
}

static void
version(void)
{
	struct utsname u;
	size_t i;

	printf("relay %s, a socat-compatible relay\n", RELAY_VERSION);
	if (uname(&u) == 0)
		printf("   running on %s version %s, release %s, machine %s\n",
		    u.sysname, u.version, u.release, u.machine);
	printf("features:\n");
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (has_feature(&features[i]))
			printf("  #define WITH_%s 1\n", features[i].name);
		else
			printf("  #undef WITH_%s\n", features[i].name);
}

/*
 * One line of the -hh/-hhh listing: a name of an address type or option,
 * and the row it names (an alias names a row under another name).
 */
struct help_name {
	const char	*name;		/* NUL-terminated copy of the name */
	const void	*row;		/* struct addr_type or struct opt_desc */
	const char	*canonical;	/* the row's own name */
};

/* qsort() order of help_name: by name, in the C locale's order. */
static int
help_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct help_name *)a)->name,
	    ((const struct help_name *)b)->name);
}

/*
 * Adds name and, when with_aliases, each word of aliases to the array at
 * *list (n entries so far, grown as needed).  Returns the new count, or
 * dies when memory runs out.
 */
static size_t
add_help_names(struct help_name **list, size_t n, const char *name,
    const char *aliases, const void *row, int with_aliases)
{
	const char *p = name, *end;
	size_t len;

	for (;;) {
		len = strcspn(p, " ");
		if (len > 0) {
			*list = realloc(*list, (n + 1) * sizeof(**list));
			if (*list == NULL || ((*list)[n].name = strndup(p, len)) == NULL)
				die("out of memory");
			(*list)[n].row = row;
			(*list)[n].canonical = name;
			n++;
		}
		if (p == name) {
			if (!with_aliases || aliases == NULL)
				break;
			p = aliases;
		} else {
			end = p + len;
			if (*end == '\0')
				break;
			p = end + 1;
		}
	}
	return n;
}

/*
 * Writes the names of the bits of groups, comma-separated, to stdout.
 * Returns the number of characters written.
 */
static int
print_groups(unsigned groups)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ G_FD, "FD" }, { G_SOCKET, "SOCKET" }, { G_IP, "IP" },
		{ G_IP6, "IP6" }, { G_TCP, "TCP" }, { G_UNIX, "UNIX" },
		{ G_LISTEN, "LISTEN" }, { G_CHILD, "CHILD" },
		{ G_CONNECT, "CONNECT" }, { G_NAMED, "NAMED" }, { G_FILE, "FILE" },
		{ G_PROGRAM, "PROGRAM" }, { G_UDP, "UDP" },
		{ G_IPSERVER, "IPSERVER" }, { G_TERMIOS, "TERMIOS" },
		{ G_SESSION, "SESSION" }, { G_TUN, "TUN" },
		{ G_INTERFACE, "INTERFACE" }, { G_POSIXMQ, "POSIXMQ" },
		{ G_SOCKS, "SOCKS" }, { G_HTTP, "HTTP" },
		{ G_PROCESS, "PROCESS" }, { G_UDPLITE, "UDPLITE" },
		{ G_SCTP, "SCTP" }, { G_DCCP, "DCCP" },
	};
	size_t i;
	int chars = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (groups & names[i].bit)
			chars += printf("%s%s", chars ? "," : "", names[i].name);
	return chars;
}

/*
 * Writes tabs from column chars up to the first tab stop at or after column
 * to, at least one, as socat's help lays out its columns.
 */
static void
tab_to(int chars, int to)
{
	do
		putchar('\t');
	while ((chars = (chars / 8 + 1) * 8) < to);
}

/*
 * -hh and -hhh: after relay's own help, its address types and options in
 * the layout of socat's -hh and -hhh, which scripts grep for a feature
 * ("socat -hhh | grep '[[:space:]]nodelay[[:space:]]'") and socat's test
 * suite checks for order: one sorted list of types and one of options,
 * with the aliases among them when with_aliases (-hhh).  Groups, phases
 * and types are relay's own.
 */
static void
help_tables(int with_aliases)
{
	static const char *const phase[] = {
		[PH_OPEN] = "OPEN", [PH_PREBIND] = "PREBIND",
		[PH_BOUND] = "BOUND", [PH_ACCEPT] = "ACCEPT",
	};
	static const char *const type[] = {
		[OT_BOOL] = "BOOL", [OT_INT] = "INT",
		[OT_TIME] = "STRUCT-TIMEVAL", [OT_STRING] = "STRING",
		[OT_STRING_NULL] = "STRING-NULL",
		[OT_MODE] = "MODE_T", [OT_INT_NULL] = "INT/NULL",
	};
	struct help_name *list = NULL;
	const struct addr_type *t;
	const struct opt_desc *o;
	size_t i, n = 0;
	int chars;

	printf("   bi-address:\n"
	    "      <single-address>\n"
	    "      <single-address>!!<single-address>\n"
	    "   single-address:\n"
	    "      <address-head>[,<opts>]\n"
	    "   address-head:\n");
	for (i = 0; i < n_addr_types; i++)
		n = add_help_names(&list, n, addr_types[i].name,
		    addr_types[i].aliases, &addr_types[i], with_aliases);
	qsort(list, n, sizeof(*list), help_name_cmp);
	for (i = 0; i < n; i++) {
		t = list[i].row;
		if (strcmp(list[i].name, list[i].canonical) != 0) {
			chars = printf("      %s", list[i].name);
			tab_to(chars, 48);
			printf("is an alias name for %s\n", t->name);
			continue;
		}
		chars = printf("      %s%s", t->name, t->params);
		tab_to(chars, 48);
		printf("groups=");
		print_groups(t->groups);
		putchar('\n');
	}
	if (with_aliases)
		printf("         <num> is a short form for fd:<num>\n"
		    "         <filename> is a short form for gopen:<filename>\n");
	for (i = 0; i < n; i++)
		free((char *)list[i].name);
	n = 0;

	printf("   opts:\n"
	    "      <opt>{,<opts>}:\n"
	    "   opt:\n");
	for (i = 0; i < n_opt_descs; i++)
		n = add_help_names(&list, n, opt_descs[i].name,
		    opt_descs[i].aliases, &opt_descs[i], with_aliases);
	qsort(list, n, sizeof(*list), help_name_cmp);
	for (i = 0; i < n; i++) {
		o = list[i].row;
		chars = printf("      %s", list[i].name);
		tab_to(chars, 24);
		if (strcmp(list[i].name, list[i].canonical) != 0) {
			printf("is an alias for %s\n", o->name);
			continue;
		}
		chars = printf("groups=") + print_groups(o->groups);
		tab_to(chars, 24);
		chars = printf("phase=%s", o->phase < sizeof(phase) / sizeof(phase[0]) &&
		    phase[o->phase] ? phase[o->phase] : "OTHER");
		tab_to(chars, 24);
		printf("type=%s\n", o->type < sizeof(type) / sizeof(type[0]) &&
		    type[o->type] ? type[o->type] : "OTHER");
	}
	for (i = 0; i < n; i++)
		free((char *)list[i].name);
	free(list);
}

/*
 * Takes the value of flag from its own argument ("-t30") or the next one.
 * Returns it, or dies when there is none.
 */
static const char *
flag_value(char **argv, int *i, size_t flaglen)
{
	if (argv[*i][flaglen] != '\0')
		return argv[*i] + flaglen;
	if (argv[*i + 1] == NULL)
		die("option \"%s\" requires a value", argv[*i]);
	return argv[++*i];
}

/* Parses the global flags.  Returns the index of the first address. */
static int
parse_flags(int argc, char **argv)
{
	struct utsname uts;
	const char *arg, *v;
	char *p;
	double t;
	enum way way;
	int i, n, ndebug = 0;

	/* "-" and "-,opts" are STDIO, not flags. */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0' &&
	    strchr(",:!", argv[i][1]) == NULL; i++) {
		arg = argv[i];
		if (strcmp(arg, "--") == 0)
			return i + 1;
		if (arg[1] == 'd' && strspn(arg + 1, "d") == strlen(arg + 1)) {
			ndebug += (int)strlen(arg + 1);
		} else if (arg[1] == 'd' && arg[2] >= '0' && arg[2] <= '4' &&
		    arg[3] == '\0') {
			ndebug = arg[2] - '0';
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "-?") == 0) {
			usage();
			exit(0);
		} else if (strcmp(arg, "-hh") == 0 || strcmp(arg, "-hhh") == 0 ||
		    strcmp(arg, "-??") == 0 || strcmp(arg, "-???") == 0) {
			usage();
			help_tables(arg[3] != '\0');
			exit(0);
		} else if (strcmp(arg, "-V") == 0) {
			version();
			exit(0);
		} else if (strcmp(arg, "-v") == 0) {
			g.dump |= DUMP_TEXT;
		} else if (strcmp(arg, "-x") == 0) {
			g.dump |= DUMP_HEX;
		} else if (strcmp(arg, "-r") == 0 || strcmp(arg, "-R") == 0) {
			/* The raw bytes of one direction, to a file (opened
			 * by open_sniff_files(), the last one given). */
			g.rawpath[arg[1] == 'R'] = flag_value(argv, &i, 2);
		} else if (strcmp(arg, "-L") == 0 || strcmp(arg, "-W") == 0) {
			take_lock(flag_value(argv, &i, 2), arg[1] == 'W');
		} else if (strcmp(arg, "--statistics") == 0) {
			g.statistics = 1;
		} else if (strcmp(arg, "-s") == 0) {
			g.sloppy = 1;
		} else if (strcmp(arg, "-D") == 0) {
			g.fdinfo = 1;
		} else if (strcmp(arg, "-u") == 0 || strcmp(arg, "-U") == 0) {
			way = arg[1] == 'u' ? LEFT_TO_RIGHT : RIGHT_TO_LEFT;
			if (g.ways != BOTH_WAYS && g.ways != way)
				die("-U and -u must not be combined");
			g.ways = way;
		} else if (strcmp(arg, "-4") == 0) {
			g.pf = AF_INET;
		} else if (strcmp(arg, "-6") == 0) {
			g.pf = AF_INET6;
		} else if (arg[1] == 't' || arg[1] == 'T') {
			v = flag_value(argv, &i, 2);
			if (parse_time(v, &t) == -1)
				die("option \"-%c\": invalid time \"%s\"", arg[1], v);
			*(arg[1] == 't' ? &g.closewait : &g.idle) = t;
		} else if (arg[1] == 'b') {
			v = flag_value(argv, &i, 2);
			if (parse_int(v, &n) == -1 || n <= 0)
				die("option \"-b\": invalid size \"%s\"", v);
			g.bufsize = (size_t)n;
			g.bufsize_set = 1;
		} else if (strncmp(arg, "-lp", 3) == 0) {
			/* The name in log lines and in the programs' variables. */
			v = flag_value(argv, &i, 3);
			g.prog = v;
			if ((p = strdup(v)) == NULL)
				die("out of memory");
			for (n = 0; p[n] != '\0'; n++)
				p[n] = (char)toupper((unsigned char)p[n]);
			g.envprefix = p;
		} else if (strncmp(arg, "-ly", 3) == 0 || strncmp(arg, "-lm", 3) == 0) {
			/* The facility is attached only: "-lylocal3". */
			if ((n = syslog_facility(arg + 3)) == -1)
				die("option \"%s\": unknown syslog facility", arg);
			g.syslog_facility = n;
			g.syslog = arg[2] == 'y' ? LOG_TO_SYSLOG :
			    LOG_TO_SYSLOG_LATER;
		} else if (strcmp(arg, "-lu") == 0) {
			g.logusec = 1;
		} else if (strcmp(arg, "-lh") == 0) {
			if ((g.loghost = getenv("HOSTNAME")) == NULL &&
			    uname(&uts) == 0)
				g.loghost = strdup(uts.nodename);
		} else if (strcmp(arg, "-ls") == 0 ||
		    strncmp(arg, "-lf", 3) == 0) {
			n = STDERR_FILENO;
			if (arg[2] == 'f') {
				v = flag_value(argv, &i, 3);
				n = open(v, O_WRONLY | O_CREAT | O_APPEND |
				    O_CLOEXEC, 0644);
				if (n == -1)
					die("open(\"%s\"): %s", v, strerror(errno));
			}
			/* Given again, the last counts: no file kept open. */
			if (g.logfd != STDERR_FILENO)
				close(g.logfd);
			g.logfd = n;
		} else {
			die("unknown option \"%s\"; use option \"-h\" for help", arg);
		}
	}
	/* As in socat: errors by default, each -d one level more. */
	g.loglevel = ndebug >= 4 ? L_DEBUG : L_ERROR - ndebug;
	return i;
}

/*
 * Opens both addresses and relays between them.  A listening address
 * waits here for its client; with fork, accept_clients() returns in a new
 * child for each client, and all that follows it serves that one client.
 * Does not return.
 */
/*
 * Returns the value of the variable name in a -r or -R file name, in buf
 * (size bytes) where it is made: PROGNAME, TIMESTAMP and MICROS are
 * socat 1.8's own (the -lp name, the local time at tv as 20261208T013449,
 * tv's microseconds), any other name the environment's ("" when unset).
 */
static const char *
sniff_variable(const char *name, const struct timeval *tv, char *buf,
    size_t size)
{
	struct tm tm;
	time_t t = tv->tv_sec;
	const char *v;

	if (strcmp(name, "PROGNAME") == 0)
		return g.prog;
	if (strcmp(name, "TIMESTAMP") == 0) {
		if (localtime_r(&t, &tm) == NULL ||
		    strftime(buf, size, "%Y%m%dT%H%M%S", &tm) == 0)
			return "";
		return buf;
	}
	if (strcmp(name, "MICROS") == 0) {
		snprintf(buf, size, "%ld", (long)tv->tv_usec);
		return buf;
	}
	v = getenv(name);
	return v != NULL ? v : "";
}

/*
 * Writes path into buf (size bytes) with its variables expanded: $NAME or
 * ${NAME} (letters, digits and _) is sniff_variable()'s value, $$ relay's
 * pid, \$ a plain $; a $ that starts no name stays.  socat 1.8's -r and -R
 * file names.  Returns 0, or -1 when the name does not fit.
 */
int
expand_sniff_path(const char *path, char *buf, size_t size)
{
	struct timeval tv;
	char name[256], value[64];
	const char *p = path, *start, *end, *v;
	size_t n = 0, len;
	int braced;

	gettimeofday(&tv, NULL);	/* one time for $TIMESTAMP and $MICROS */
	while (*p != '\0') {
		v = NULL;
		if (p[0] == '\\' && p[1] == '$') {
			v = "$";
			p += 2;
		} else if (p[0] == '$' && p[1] == '$') {
			snprintf(value, sizeof(value), "%ld", (long)getpid());
			v = value;
			p += 2;
		} else if (p[0] == '$') {
			braced = p[1] == '{';
			start = end = p + 1 + braced;
			while (isalnum((unsigned char)*end) || *end == '_')
				end++;
			len = (size_t)(end - start);
			if (len > 0 && len < sizeof(name) &&
			    (!braced || *end == '}')) {
				memcpy(name, start, len);
				name[len] = '\0';
				v = sniff_variable(name, &tv, value, sizeof(value));
				p = end + braced;
			}
		}
		if (v == NULL) {	/* a plain character */
			len = 1;
			v = p++;
		} else
			len = strlen(v);
		if (n + len >= size)
			return -1;
		memcpy(buf + n, v, len);
		n += len;
	}
	buf[n] = '\0';
	return 0;
}

/*
 * Opens the -r and -R files for this transfer, once both addresses are
 * open, as socat 1.8 does: a fork child opens its own, and their names can
 * hold the connection's variables ($SOCAT_PEERADDR, set here from the
 * first address's socket, as a program on the second address gets them)
 * and $$.  They are appended to, as socat's.  Returns 0, or -1 after an E.
 */
static int __attribute__((noinline))
open_sniff_files(const struct endpoint *first)
{
	char path[PATH_MAX];
	int way, fd;

	/* The connection's variables, once, where a name may use them. */
	for (way = LEFT_TO_RIGHT; way <= RIGHT_TO_LEFT; way++)
		if (g.rawpath[way] != NULL && strchr(g.rawpath[way], '$') != NULL) {
			set_program_env(getpid(), !first->is_socket ? -1 :
			    first->rfd != -1 ? first->rfd : first->wfd);
			break;
		}
	for (way = LEFT_TO_RIGHT; way <= RIGHT_TO_LEFT; way++) {
		if (g.rawpath[way] == NULL)
			continue;
		if (expand_sniff_path(g.rawpath[way], path, sizeof(path)) == -1) {
			logmsg(L_ERROR, "option -%c \"%s\": the name is too long",
			    way == LEFT_TO_RIGHT ? 'r' : 'R', g.rawpath[way]);
			return -1;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0664);
		if (fd == -1) {
			logmsg(L_ERROR, "open(\"%s\"): %s", path, strerror(errno));
			return -1;
		}
		g.rawfd[way] = fd;
	}
	return 0;
}

static void __attribute__((noinline, noreturn))
run(struct addr *addrs)
{
	struct endpoint ep[2], writer, *e;
	struct addr *a;
	int i, status, cut;

	/*
	 * A program on the second address learns about the first from
	 * SOCAT_*, or with nofork runs on it.  (Set before any fork: a fork
	 * child that writes no more than it must keeps its pages shared.)
	 */
	for (a = &addrs[1]; a != NULL; a = a->writer)
		a->first = &ep[0];
	for (i = 0; i < 2; i++) {
		/* A dual address "A!!B" is two halves: A is read, B written. */
		for (a = &addrs[i], e = &ep[i]; a != NULL;
		    a = a->writer, e = &writer) {
			if (open_once(a, e) == -1)
				relay_exit(g.sloppy ? 255 : 1);
			/*
			 * The accept-and-fork loop, or with fork on a
			 * connecting address the connect-and-fork loop; with
			 * fork either ends in a child.
			 */
			if (e->listen_fd != -1 ? accept_clients(a, e) == -1 :
			    a->set.fork && fork_connections(a, e) == -1)
				relay_exit(g.sloppy ? 255 : 1);
		}
		ep[i].shut = shut_wanted(&addrs[i], &ep[i]);
		if (addrs[i].writer != NULL)
			join_halves(&ep[i], addrs[i].writer, &writer);
	}
	/*
	 * A fork child shares the first address with the listener and every
	 * other child: passing this client's EOF on would end it for all of
	 * them (SYSTEM:cat TCP-LISTEN:P,fork).  As in socat, it only closes.
	 */
	if (addrs[1].set.fork && ep[0].shut != SHUT_NOTHING)
		ep[0].shut = SHUT_NOTHING;
	/*
	 * (Only with -r or -R: its frame holds a path, a page of stack that
	 * every idle fork child would otherwise copy.)
	 */
	if ((g.rawpath[0] != NULL || g.rawpath[1] != NULL) &&
	    open_sniff_files(&ep[0]) == -1)
		relay_exit(1);
	if (g.fdinfo)
		describe_fds(&ep[0], &ep[1]);
	status = transfer(&ep[0], &ep[1], &cut);
	status |= finish_programs(ep, cut);
	relay_exit(status);
}

/*
 * Calls run() with the stack at the top of a page.  A fork listener's
 * child gets its own copy of each page that it or the listener writes
 * after fork(), and those copies are what an idle connection costs; the
 * stack both write from run() on fits in one page if it starts at the top.
 */
static void __attribute__((noinline, noreturn))
run_at_page_top(struct addr *addrs)
{
	char here;
	volatile char skip[((uintptr_t)&here & (STACK_PAGE - 1)) + 64];

	skip[0] = 0;	/* the array must exist: it moves the stack */
	(void)skip[0];
	run(addrs);
}

#ifdef RELAY_NO_MAIN
#define main relay_main	/* the unit test brings its own main() */
int relay_main(int, char **);
#endif
int
main(int argc, char **argv)
{
	struct addr addrs[2];
	struct tm tm;
	time_t t = time(NULL);
	const char *slash;
	int first, i;

	/*
	 * A closed 0, 1 or 2 would be the number of the next socket, and "-"
	 * or the log would then be that socket: /dev/null stands in for it.
	 */
	for (i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDWR) != i)
			return 1;
	slash = strrchr(argv[0], '/');
	g.prog = slash != NULL ? slash + 1 : argv[0];
	if (localtime_r(&t, &tm) != NULL)
		utc_offset = tm.tm_gmtoff;
	setup_signals();
#ifdef HAVE_SPLICE
	/* RELAY_NO_SPLICE keeps the copy path testable where splice works. */
	g.splice = getenv("RELAY_NO_SPLICE") == NULL;
#endif

	first = parse_flags(argc, argv);
	if (argc - first != 2)
		die("exactly 2 addresses required (there are %d); use option "
		    "\"-h\" for help", argc - first);
	/* Every address is checked before anything is opened. */
	/* Under -s, socat ends with 255 where it cannot go on. */
	for (i = 0; i < 2; i++)
		if (parse_address(argv[first + i], &addrs[i]) == -1)
			relay_exit(g.sloppy ? 255 : 1);
	for (i = 0; i < 2; i++)
		prepare_numeric(&addrs[i]);
	/* -u and -U open each side for its one direction only. */
	for (i = 0; i < 2 && g.ways != BOTH_WAYS; i++)
		if (addrs[i].writer == NULL)
			addrs[i].dir = (i == 0) == (g.ways == LEFT_TO_RIGHT) ?
			    DIR_READ : DIR_WRITE;
	run_at_page_top(addrs);
}

#!/usr/bin/perl
# Misbehaving TCP peers for relay's fault, soak and stress scenarios
# (test/70-*.sh, 71-, 72-), where socat cannot play the part: resets,
# peers that never read, hundreds of connections at once, paced storms.
# Only perl-base modules.  Every peer talks to 127.0.0.1 only, and every
# loop is bounded in count or time.
#
#	peer.pl rst-server PORT           accept; reset each connection at once
#	peer.pl hold-server PORT          accept; never read, never close
#	peer.pl close-after PORT N OUT    accept one; read N bytes into OUT; close
#	peer.pl slow-reply PORT SECS IN REPLY
#	                                  accept one; read to EOF into IN; wait
#	                                  SECS; send file REPLY; close
#	peer.pl close-server PORT         accept; close each connection at once
#	peer.pl rst-client PORT BYTES     connect; send BYTES; reset
#	peer.pl echo-many PORT N SECS     N connections at once, each sends its
#	                                  own line, half-closes, reads to EOF;
#	                                  prints how many got their line back
#	peer.pl storm PORT RATE SECS      connect and close RATE times a second
#	                                  for SECS; prints the connections made
#	peer.pl echo-server PORT          echo every connection (one process,
#	                                  select); half-close after the client's
#	peer.pl seq PORT N SECS           N connections one after another, each
#	                                  an echoed line; prints how many got
#	                                  their line back
# A server peer writes "ready" to stdout once it listens.
use strict;
use warnings;
use Socket qw(:all);
use IO::Handle;
use IO::Select;
use Errno qw(EINPROGRESS EAGAIN EINTR);
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);
use Time::HiRes qw(time sleep);

$SIG{PIPE} = 'IGNORE';
STDOUT->autoflush(1);

sub listener {
	my ($port) = @_;
	socket(my $l, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
	setsockopt($l, SOL_SOCKET, SO_REUSEADDR, 1) or die "setsockopt: $!";
	bind($l, pack_sockaddr_in($port, inet_aton('127.0.0.1'))) or die "bind: $!";
	listen($l, 1024) or die "listen: $!";
	print "ready\n";
	return $l;
}

sub connect_to {
	my ($port, $nonblock) = @_;
	socket(my $s, PF_INET, SOCK_STREAM, 0) or return undef;
	if ($nonblock) {
		my $fl = fcntl($s, F_GETFL, 0);
		fcntl($s, F_SETFL, $fl | O_NONBLOCK);
	}
	my $ok = connect($s, pack_sockaddr_in($port, inet_aton('127.0.0.1')));
	return $s if $ok || ($nonblock && $! == EINPROGRESS);
	return undef;
}

sub reset_close {
	my ($s) = @_;
	setsockopt($s, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0));
	close($s);
}

my $cmd = shift // '';

if ($cmd eq 'rst-server') {
	my $l = listener(shift);
	while (accept(my $c, $l)) { reset_close($c); }
} elsif ($cmd eq 'close-server') {
	my $l = listener(shift);
	while (accept(my $c, $l)) { close($c); }
} elsif ($cmd eq 'hold-server') {
	my $l = listener(shift);
	my @held;
	while (accept(my $c, $l)) { push @held, $c; }
} elsif ($cmd eq 'close-after') {
	my ($port, $n, $out) = @ARGV;
	my $l = listener($port);
	accept(my $c, $l) or die "accept: $!";
	open(my $fh, '>', $out) or die "$out: $!";
	binmode $fh;
	my $got = 0;
	while ($got < $n) {
		my $r = sysread($c, my $buf, $n - $got > 65536 ? 65536 : $n - $got);
		last unless $r;
		print $fh $buf;
		$got += $r;
	}
	close($fh);
	close($c);
} elsif ($cmd eq 'slow-reply') {
	my ($port, $secs, $in, $reply) = @ARGV;
	my $l = listener($port);
	accept(my $c, $l) or die "accept: $!";
	open(my $fh, '>', $in) or die "$in: $!";
	binmode $fh;
	while (1) {
		my $r = sysread($c, my $buf, 65536);
		last unless $r;
		print $fh $buf;
	}
	close($fh);
	sleep($secs);
	open(my $rf, '<', $reply) or die "$reply: $!";
	binmode $rf;
	while (1) {
		my $r = sysread($rf, my $buf, 65536);
		last unless $r;
		my $off = 0;
		while ($off < $r) {
			my $w = syswrite($c, $buf, $r - $off, $off);
			die "write: $!" unless defined $w;
			$off += $w;
		}
	}
	close($c);
} elsif ($cmd eq 'rst-client') {
	my ($port, $bytes) = @ARGV;
	my $s = connect_to($port, 0) or die "connect: $!";
	my $chunk = "x" x 65536;
	my $sent = 0;
	while ($sent < $bytes) {
		my $n = $bytes - $sent > 65536 ? 65536 : $bytes - $sent;
		my $w = syswrite($s, $chunk, $n);
		die "write: $!" unless defined $w;
		$sent += $w;
	}
	reset_close($s);
} elsif ($cmd eq 'echo-many') {
	my ($port, $n, $secs) = @ARGV;
	my $deadline = time() + $secs;
	my (%want, %got, %wbuf);
	my $sel = IO::Select->new;
	my $wsel = IO::Select->new;
	for my $i (1 .. $n) {
		my $s = connect_to($port, 1);
		unless ($s) { warn "connect $i: $!\n"; next; }
		$want{fileno $s} = "line $i of $n\n";
		$wbuf{fileno $s} = $want{fileno $s};
		$got{fileno $s} = '';
		$wsel->add($s);
	}
	my ($good, $bad) = (0, 0);
	while (($sel->count || $wsel->count) && time() < $deadline) {
		my ($r, $w) = IO::Select->select($sel, $wsel, undef, 0.5);
		for my $s (@{$w // []}) {
			my $fd = fileno $s;
			my $k = syswrite($s, $wbuf{$fd});
			if (!defined $k) {
				next if $! == EAGAIN || $! == EINTR;
				$wsel->remove($s);
				next;
			}
			substr($wbuf{$fd}, 0, $k) = '';
			next if length $wbuf{$fd};
			shutdown($s, SHUT_WR);
			$wsel->remove($s);
			$sel->add($s);
		}
		for my $s (@{$r // []}) {
			my $fd = fileno $s;
			my $k = sysread($s, my $buf, 4096);
			my $err = defined $k ? '' : ", $!";
			if (!defined $k) {
				next if $! == EAGAIN || $! == EINTR;
				$k = 0;
			}
			if ($k == 0) {
				if ($got{$fd} eq $want{$fd}) {
					$good++;
				} elsif ($bad++ < 5) {
					warn "# echo-many: " . length($got{$fd}) . " bytes back of " .
					    length($want{$fd}) . "$err: $want{$fd}";
				}
				$sel->remove($s);
				close($s);
				next;
			}
			$got{$fd} .= $buf;
		}
	}
	warn "# echo-many: " . ($sel->count + $wsel->count) . " connections unfinished at the deadline\n"
	    if $sel->count + $wsel->count;
	print "$good\n";
} elsif ($cmd eq 'storm') {
	my ($port, $rate, $secs) = @ARGV;
	my $start = time();
	my $made = 0;
	while ((my $t = time() - $start) < $secs) {
		my $due = int($t * $rate);
		if ($made >= $due) {
			sleep(0.001);
			next;
		}
		my $s = connect_to($port, 0);
		if ($s) { close($s); $made++; } else { sleep(0.01); }
	}
	print "$made\n";
} elsif ($cmd eq 'echo-server') {
	my $l = listener(shift);
	my $sel = IO::Select->new($l);
	my %out;
	while (1) {
		my @r = $sel->can_read;
		for my $s (@r) {
			if ($s == $l) {
				accept(my $c, $l) or next;
				my $fl = fcntl($c, F_GETFL, 0);
				fcntl($c, F_SETFL, $fl | O_NONBLOCK);
				$sel->add($c);
				next;
			}
			my $k = sysread($s, my $buf, 65536);
			next if !defined $k && ($! == EAGAIN || $! == EINTR);
			if (!$k) {
				shutdown($s, SHUT_WR);
				$sel->remove($s);
				close($s);
				next;
			}
			# Lines are short: a blocking write of what came in.
			my $fl = fcntl($s, F_GETFL, 0);
			fcntl($s, F_SETFL, $fl & ~O_NONBLOCK);
			my $off = 0;
			while ($off < $k) {
				my $w = syswrite($s, $buf, $k - $off, $off);
				last unless defined $w;
				$off += $w;
			}
			fcntl($s, F_SETFL, $fl);
		}
	}
} elsif ($cmd eq 'seq') {
	my ($port, $n, $secs) = @ARGV;
	my $deadline = time() + $secs;
	my $good = 0;
	for my $i (1 .. $n) {
		last if time() > $deadline;
		my $s = connect_to($port, 0);
		unless ($s) { warn "connect $i: $!\n"; next; }
		my $line = "connection $i of $n\n";
		syswrite($s, $line);
		shutdown($s, SHUT_WR);
		my $got = '';
		while (1) {
			my $k = sysread($s, my $buf, 4096);
			last unless $k;
			$got .= $buf;
		}
		close($s);
		$good++ if $got eq $line;
	}
	print "$good\n";
} else {
	die "usage: peer.pl rst-server|hold-server|close-after|slow-reply|" .
	    "close-server|rst-client|echo-many|storm|echo-server|seq ...\n";
}

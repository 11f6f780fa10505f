package install

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"
)

// GOGC is the garbage collector's percentage for the service.
//
// The heap may grow to live × (1 + GOGC/100) before a collection, so GOGC
// trades memory for fewer collections. Each collection brings two short
// stop-the-world pauses and a mark phase that takes a quarter of the CPUs
// (realtime-and-reliability.md §1.3), so fewer is better for audio, but
// gridbox's live heap is mostly decoded samples: 100 MB of them is about
// four minutes of 48 kHz stereo float32. At 200 the heap peaks near three
// times that, which fits under the memory limit of even a 1 GB Pi for sets
// up to ~230 MB of samples, so the limit stays a safety net and does not
// become the collector's everyday trigger. At 400 (five times) it would on
// a 1 GB Pi from ~140 MB of samples, and a heap pinned at the limit means
// back-to-back collections. The samples hold no pointers, so a collection
// does not scan them; what costs is how often it runs, and that is set by
// the allocation rate, which gridbox keeps near zero while playing (tests
// T3 and T6). GOGC=off is out: with a limit it gave a 400 ms pause
// (golang/go#73835).
const GOGC = 200

// minMemLimit is the smallest GOMEMLIMIT accepted: below it the collector
// would run all the time for even the starter set.
const minMemLimit = 64 << 20

// fallbackMemLimit is the GOMEMLIMIT used when /proc/meminfo cannot be
// read: a little under 3/4 of the ~930 MiB MemTotal of a 1 GB Pi, so it is
// safe on the smallest supported board.
const fallbackMemLimit = 640 << 20

// memLimit returns the GOMEMLIMIT for a machine with memTotal bytes of
// memory (MemTotal: what the kernel manages, after the firmware's share):
// 3/4 of it, rounded down to MiB. The limit is a safety net, not a target.
// The quarter left over is for the kernel, the page cache (samples are
// read through it while a set loads), PortAudio and ALSA buffers, the
// binary and the rest of the system. Above the limit the runtime collects
// ever more often (up to half the CPU time) instead of letting the kernel's
// OOM killer end the music. A fixed value cannot suit Pis from 1 to 8 GB:
// 512 MiB would throttle a big set on an 8 GB Pi, and 4 GiB would be no
// net at all on a 1 GB one. So it scales: about 690 MiB on a 1 GB Pi,
// 1.4 GiB on 2 GB, 2.8 GiB on 4 GB and 5.9 GiB on 8 GB.
func memLimit(memTotal int64) int64 {
	return max(memTotal/4*3>>20<<20, minMemLimit)
}

// defaultMemLimit is memLimit for the machine this runs on.
func defaultMemLimit() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return fallbackMemLimit
	}
	total, err := parseMemTotal(b)
	if err != nil {
		return fallbackMemLimit
	}
	return memLimit(total)
}

// parseMemTotal returns MemTotal from the text of /proc/meminfo, in bytes.
func parseMemTotal(meminfo []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(meminfo))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			break
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb <= 0 || kb > 1<<40 {
			break
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("install: no MemTotal in /proc/meminfo")
}

// unitText returns the systemd unit. Every comment sits on a line of its
// own: systemd.syntax(7) ignores only lines starting with # or ;, so a
// trailing comment would become part of the value. The arguments have been
// checked (checkOptions): they hold no newline, blank, quote, % or $.
func unitText(user, binary, set string, groups []string, limit int64) ([]byte, error) {
	if err := checkUser(user); err != nil {
		return nil, err
	}
	if err := checkUnitPath("binary", binary); err != nil {
		return nil, err
	}
	if err := checkSet(set); err != nil {
		return nil, err
	}
	setDir := path.Dir(set)
	writable := "ReadWritePaths=" + StateDir + "\n"
	if set != SetLast && setDir != StateDir && !strings.HasPrefix(setDir, StateDir+"/") {
		// "-": a missing folder (a USB stick not plugged in) does not stop
		// the service from starting; gridbox then reports the missing set.
		writable += "# The set's folder, for its state and recordings; \"-\": may be missing.\n"
		writable += "ReadWritePaths=-" + setDir + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, unitTemplate, user, limit>>20, binary, ConfigPath, writable, GOGC, strings.Join(groups, " "))
	return []byte(b.String()), nil
}

const unitTemplate = `# gridbox.service: written by "gridbox install" (issue 4) and removed by
# "gridbox uninstall". Install rewrites it: put local changes in a drop-in
# (sudo systemctl edit gridbox) instead of editing this file.

[Unit]
Description=gridbox live sequencer
After=sound.target local-fs.target
# Never give up restarting (systemd's default gives up after 5 starts in
# 10 s); crash loops are gridbox's to handle, by starting without the set
# that crashed it.
StartLimitIntervalSec=0

[Service]
# gridbox play sends READY=1 once audio runs, then WATCHDOG=1 every second,
# but only while its audio heartbeat is fresh (under 1 s old). A stalled
# audio thread or a hung device call stops the pings; after WatchdogSec
# systemd kills it (SIGABRT: goroutine dump in the journal) and restarts it.
Type=notify
NotifyAccess=main
WatchdogSec=5s
Restart=always
RestartSec=1
# On SIGTERM gridbox silences its notes, saves and exits: 10 s is room for
# a save on a slow SD card before systemd sends SIGKILL.
KillSignal=SIGTERM
TimeoutStopSec=10

User=%[1]s
Group=audio
# Added to the user's own groups: /dev/snd (audio), monome ttys (dialout)
# and, where the system has the group, the pin header (gpio).
SupplementaryGroups=%[7]s

# Lets gridbox make its audio render thread SCHED_FIFO (it asks for 1;
# 95 stays below the kernel's own threads at 99). Deliberately no
# CPUSchedulingPolicy=: it would make every thread of the Go runtime
# realtime, garbage collector workers included.
LimitRTPRIO=95
# Room to lock memory (mlockall), should gridbox do it: no page-ins.
LimitMEMLOCK=infinity
# Pads and LEDs ahead of background jobs; the OOM killer picks others first.
Nice=-10
OOMScoreAdjust=-900

# Go's garbage collector: GOGC above the default 100 means fewer
# collections for a bigger heap (live heap, mostly decoded samples, times
# 1+GOGC/100); GOMEMLIMIT, 3/4 of this Pi's memory, is a safety net that
# makes the collector work harder instead of the OOM killer ending the
# music. The reasoning: show/install/unit.go in gridbox.
Environment=GOGC=%[6]d GOMEMLIMIT=%[2]dMiB

ExecStart=%[3]s play --config %[4]s
# systemctl reload gridbox: reload the set now (gridbox play also reloads
# it by itself when its file is saved).
ExecReload=/bin/kill -USR1 $MAINPID

# Hardening that keeps audio, MIDI and serial working. Everything is
# read-only but /var/lib/gridbox and the set's folder. Home folders are
# read-only rather than hidden: sets and samples often live there, and
# ReadWritePaths= can open the set's folder inside a read-only tree but not
# inside a hidden one. Left out because they break gridbox:
# PrivateDevices= and DeviceAllow= (they shut gridbox out of /dev/snd and
# the grids' ttys; so does ProtectClock=, as it implies DeviceAllow=),
# RestrictRealtime= (forbids SCHED_FIFO), SystemCallArchitectures=native
# (a 32-bit gridbox on the Pi's 64-bit kernel), RestrictAddressFamilies=
# (netlink for hot-plug, UDP for Ableton Link later) and RemoveIPC= (it
# deletes the user's shared memory, a JACK server's too). Left out until
# tried on a Pi: SystemCallFilter= and MemoryDenyWriteExecute=.
ProtectSystem=strict
StateDirectory=gridbox
%[5]sProtectHome=read-only
PrivateTmp=yes
NoNewPrivileges=yes
# No capabilities: SCHED_FIFO and mlock come from the limits above.
CapabilityBoundingSet=
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictSUIDSGID=yes
LockPersonality=yes

[Install]
WantedBy=multi-user.target
`

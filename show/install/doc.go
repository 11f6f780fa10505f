// Package install makes a Raspberry Pi boot into gridbox and undoes it
// (issue 4): it writes the systemd unit that runs "gridbox play" as a
// service, the udev rules that let that service use Launchpads and monome
// grids, and a default config, then runs the commands that take them into
// use. Uninstall reverses it but keeps the user's data: the config, the
// state directory and the sets.
//
// What it writes (Plan lists it; DryRun prints it):
//
//	/etc/systemd/system/gridbox.service   the service (unit.go; the reasoning per directive is in its comments)
//	/etc/udev/rules.d/70-gridbox.rules    device access and no USB autosuspend (rules.go)
//	/etc/gridbox/config.toml              only when absent: never overwritten, never removed (config.go)
//
// The config follows the schema of package gridbox/config, which reads
// it. The set it names decides the one folder outside /var/lib/gridbox the
// service may write in (the set's state goes beside it, package
// state); so Install refuses a set other than the one an existing
// config names, and with no set given takes the config's.
//
// No /etc/security/limits.d file: limits.conf applies to PAM login
// sessions, and the service gets its realtime and memlock limits from
// LimitRTPRIO= and LimitMEMLOCK= in the unit.
//
// The order of Install, each step stopping everything after it on failure:
//
//	check root privileges, options ──> check binary, set, user, groups ──> write files (temp, fsync, rename, fsync dir)
//	  ──> udevadm control --reload ──> udevadm trigger ──> usermod -aG audio,dialout[,gpio] USER
//	  ──> systemctl daemon-reload ──> systemctl enable --now gridbox.service [──> try-restart, on a reinstall]
//
// The service starts last, when its devices already have their permissions.
// With Options.Root set to another directory than "/" (tests, or an SD card
// mounted on another machine) the files go below it and the commands work
// offline on it (systemctl --root, usermod --root), never on the running
// system.
//
// What the unit needs from "gridbox play" (wired later; until then the
// service fails to start): a --config flag that reads this config, and
// sd_notify over $NOTIFY_SOCKET: READY=1 once audio runs, then WATCHDOG=1
// about every second while the audio heartbeat is fresh (less than a second
// old). A stalled audio thread or a device call that never returns stops the
// pings; after WatchdogSec systemd kills the process with SIGABRT (a Go
// goroutine dump in the journal) and restarts it a second later.
//
// Threading: everything runs on the caller's goroutine, from the command
// line; nothing here runs while music plays.
package install

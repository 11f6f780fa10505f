package show

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
)

// Reload asks every gridbox play this user may signal to reload its set
// now (ReloadSignal), and says which it asked. It is an error when none
// plays.
func Reload(e *Env) error {
	pids, err := playing("/proc")
	if err != nil {
		return err
	}
	asked := 0
	for _, pid := range pids {
		if err := syscall.Kill(pid, ReloadSignal); err != nil {
			if !errors.Is(err, syscall.ESRCH) { // it has just ended
				fmt.Fprintf(e.Stderr, "gridbox: gridbox play (pid %d): %v\n", pid, err)
			}
			continue
		}
		fmt.Fprintf(e.Stdout, "asked gridbox play (pid %d) to reload its set\n", pid)
		asked++
	}
	if asked == 0 {
		return errors.New("no gridbox play is running that this user may ask")
	}
	return nil
}

// playing returns the process IDs of the "gridbox play" processes found in
// proc (the /proc file system), but this one.
func playing(proc string) ([]int, error) {
	entries, err := os.ReadDir(proc)
	if err != nil {
		return nil, fmt.Errorf("looking for gridbox play: %w", err)
	}
	var pids []int
	for _, en := range entries {
		pid, err := strconv.Atoi(en.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join(proc, en.Name(), "cmdline"))
		if err != nil {
			continue // gone, or not ours to read
		}
		args := bytes.Split(bytes.TrimRight(cmdline, "\x00"), []byte{0})
		if len(args) > 1 && filepath.Base(string(args[0])) == "gridbox" && slices.ContainsFunc(args[1:], func(a []byte) bool { return string(a) == "play" }) {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

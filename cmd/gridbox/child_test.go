package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/audiotest"
	"gridbox/show"
)

// Some tests run gridbox in another process, to kill it, to make its audio
// fail or to give it its own ALSA configuration: this test binary
// re-executed with one of the variables in children set, which TestMain
// turns into that child's main instead of running the tests.
type childMain struct {
	env  string           // the variable that selects it
	main func(string) int // given the variable's value; returns the exit status
}

var children = []childMain{
	{runChildEnv, runChild},
	{helperPlayEnv, helperPlay},
}

// runChildEnv makes the child run the gridbox command line given in it
// ("|"-separated) and exit with its status; hungEnv, when set, replaces
// supervise's 2 s limit on an audio backend call (env.hung); hwmEnv names a
// file where the child writes its /proc status when it is done (VmHWM: its
// peak resident memory, which getrusage cannot tell: a child of a Go
// program keeps its parent's ru_maxrss from before the exec).
const (
	runChildEnv = "GRIDBOX_CMD_RUN"
	hungEnv     = "GRIDBOX_CMD_HUNG"
	hwmEnv      = "GRIDBOX_CMD_HWM"
)

func runChild(args string) int {
	e := processEnv()
	if d := os.Getenv(hungEnv); d != "" {
		var err error
		if e.hooks.Hung, err = time.ParseDuration(d); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", hungEnv, err)
			return 2
		}
	}
	code := run(strings.Split(args, "|"), e)
	if name := os.Getenv(hwmEnv); name != "" {
		status, _ := os.ReadFile("/proc/self/status")
		os.WriteFile(name, status, 0o644)
	}
	return code
}

// helperPlayEnv makes the child run "gridbox ARGS" with ARGS (space
// separated) in its value, as startChild does; with hangAfterEnv set it plays
// on a fake sound card that is pulled out after that long and whose Close
// then hangs.
const (
	helperPlayEnv = "GRIDBOX_HELPER_PLAY"
	hangAfterEnv  = "GRIDBOX_HELPER_HANG_AFTER"
)

func TestMain(m *testing.M) {
	for _, c := range children {
		if v := os.Getenv(c.env); v != "" {
			os.Exit(c.main(v))
		}
	}
	os.Exit(m.Run())
}

func helperPlay(args string) int {
	e := processEnv()
	if d := os.Getenv(hangAfterEnv); d != "" {
		after, err := time.ParseDuration(d)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", hangAfterEnv, err)
			return 2
		}
		e.hooks.OpenAudio = func(f audio.Format, block int) show.Opener {
			be := audiotest.NewBackend(f, block, "fake card")
			time.AfterFunc(after, func() { be.HangClose(); be.Unplug() })
			return be.Open
		}
	}
	return run(strings.Fields(args), e)
}

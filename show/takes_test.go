package show

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gridbox/sets"
	"gridbox/show/showtest"
)

// TestLoadMergesTakes: a set loads with its takes file laid over it: a
// take in a new scene row plays from the song, a cleared slot is empty,
// the take's sample is decoded; new takes are saved to the same file.
func TestLoadMergesTakes(t *testing.T) {
	set := showtest.ClickSet(t, "")
	takes := sets.TakesPath(set)
	showtest.WriteFile(t, takes, `[[track]]
name = "Click"
clip = [ { scene = 0, empty = true }, { scene = 2, sample = "samples/click.wav", length = 2 } ]
`)
	l, err := loadSet(set, 0, memory{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if len(l.Problems) > 0 || len(l.Warnings) > 0 || l.Takes != takes {
		t.Fatalf("problems %q, warnings %q, takes saved to %q; want none, none, %q", l.Problems, l.Warnings, l.Takes, takes)
	}
	tr := l.song.Tracks[0]
	if len(l.song.Scenes) != 3 || len(tr.Clips) != 3 || tr.Clips[0] != nil || tr.Clips[1] != nil || tr.Clips[2] == nil ||
		tr.Clips[2].Broken || tr.Clips[2].Length != 2 {
		t.Fatalf("scenes %d, clips %+v; want the take alone, in a third scene", len(l.song.Scenes), tr.Clips)
	}
}

// TestLoadWithBrokenTakes: a takes file that does not parse is reported
// as a set's problem is (FILE:LINE:COL) with what happens next; the set
// plays without it, and new takes go to a spare file, never over it.
// A take's missing sample is a problem at its place in the takes file.
func TestLoadWithBrokenTakes(t *testing.T) {
	set := showtest.ClickSet(t, "")
	takes := sets.TakesPath(set)
	showtest.WriteFile(t, takes, "[[track]]\nname = \"Click\"\nclip = [ { scene = 0, empty = yes } ]\n")
	spare1 := strings.TrimSuffix(takes, ".toml") + ".1.toml"
	showtest.WriteFile(t, spare1, "# an earlier session's takes\n")
	l, err := loadSet(set, 0, memory{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	spare2 := strings.TrimSuffix(takes, ".toml") + ".2.toml"
	want := []string{
		takes + ": the set plays without these takes; gridbox leaves this file alone and saves new takes to " + spare2 + " until it is fixed",
		takes + ":3:31: syntax error: expected value but found \"yes\" instead; text needs quotes: empty = \"yes\"",
	}
	if len(l.Problems) != len(want) {
		t.Fatalf("problems:\n%q\nwant\n%q", l.Problems, want)
	}
	for i, p := range l.Problems {
		if p.Error() != want[i] {
			t.Errorf("problem %d:\n got %s\nwant %s", i, p, want[i])
		}
	}
	if l.song == nil || l.song.Tracks[0].Clips[0] == nil || l.Takes != spare2 {
		t.Errorf("song %v, takes saved to %q; want the set's own clip playing, and %q", l.song != nil, l.Takes, spare2)
	}
	// A reload lays the session's takes instead of reading the file: the
	// file is still broken, and still said to be.
	lr, err := loadSet(set, 0, memory{}, l, l.takesOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer lr.Close()
	if got := fmt.Sprintf("%q", lr.Problems); got != fmt.Sprintf("%q", want) || lr.Takes != spare2 {
		t.Errorf("after a reload, problems:\n%s\nwant\n%q\ntakes saved to %q, want %q", got, want, lr.Takes, spare2)
	}

	showtest.WriteFile(t, takes, "[[track]]\nname = \"Click\"\nclip = [ { scene = 0, sample = \"samples/gone.wav\" } ]\n")
	l2, err := loadSet(set, 0, memory{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if len(l2.Problems) != 1 || l2.Problems[0].Error() != takes+`:3:32: sample "samples/gone.wav": file not found` || l2.Takes != takes {
		t.Errorf("problems %q, takes saved to %q", l2.Problems, l2.Takes)
	}
	if c := l2.song.Tracks[0].Clips[0]; c == nil || !c.Broken {
		t.Errorf("the take with a missing sample: %+v; want a silent clip", c)
	}
}

// TestCheckReportsTakes: gridbox check checks the takes file too, and
// fails on its problems; its warnings (a take for a track the set no
// longer has) do not fail it.
func TestCheckReportsTakes(t *testing.T) {
	set := showtest.ClickSet(t, "")
	takes := sets.TakesPath(set)
	var out bytes.Buffer
	e := &Env{Stdout: &out, Stderr: &out}

	showtest.WriteFile(t, takes, "[[track]]\nname = \"Gone\"\nclip = [ { scene = 1, sample = \"samples/click.wav\" } ]\n")
	if err := Check(e, set); err != nil || !strings.Contains(out.String(), takes+`:1:1: warning: the set has no track "Gone" any more`) {
		t.Errorf("Check = %v:\n%s", err, out.String())
	}
	out.Reset()
	showtest.WriteFile(t, takes, "[[track]]\nname = \"Click\"\nclip = [ { scene = 1, sampel = \"samples/click.wav\" } ]\n")
	if err := Check(e, set); !errors.Is(err, ErrProblems) || !strings.Contains(out.String(), takes+`:3:23: unknown key "sampel" in [[track.clip]]; did you mean "sample"?`) {
		t.Errorf("Check = %v:\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(set), "click.takes.1.toml")); err == nil {
		t.Errorf("check wrote a spare takes file")
	}
}

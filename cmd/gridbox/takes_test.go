package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"gridbox/show/showtest"
)

// TestTakesMerge: "gridbox takes merge" writes SET.merged.toml, the set
// with its takes, which checks as good and holds the take; the set and
// the takes file are left alone.
func TestTakesMerge(t *testing.T) {
	set := showtest.ClickSet(t, "")
	dir := filepath.Dir(set)
	takes := filepath.Join(dir, "click.takes.toml")
	takesText := "[[track]]\nname = \"Click\"\nclip = [ { scene = 0, empty = true }, { scene = 1, sample = \"samples/click.wav\", length = 2 } ]\n"
	showtest.WriteFile(t, takes, takesText)
	setText, _ := os.ReadFile(set)

	code, stdout, stderr := gridbox(t, "takes", "merge", set)
	merged := filepath.Join(dir, "click.merged.toml")
	if code != 0 || stdout != "wrote "+merged+": click.toml with the 2 takes of click.takes.toml\n" {
		t.Fatalf("takes merge: exit %d\n%s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(merged)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{"# click.toml with the takes of click.takes.toml", "name = \"Click\"", "[[scene]]\nname = \"A\"\n\n[[scene]]\n\n[[track]]",
		"  scene = 1\n  sample = \"samples/click.wav\"\n  length = 2\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("merged set lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "scene = 0") {
		t.Errorf("merged set still has the cleared clip:\n%s", text)
	}
	if code, stdout, _ := gridbox(t, "check", merged); code != 0 || !strings.Contains(stdout, "1 clip") {
		t.Errorf("check of the merged set: exit %d\n%s", code, stdout)
	}
	if now, _ := os.ReadFile(set); string(now) != string(setText) {
		t.Errorf("the set changed")
	}
	if now, _ := os.ReadFile(takes); string(now) != takesText {
		t.Errorf("the takes file changed")
	}
}

// TestTakesMergeRefuses: without a takes file, with problems in it, or
// with something other than a regular file at SET.merged.toml, takes merge
// writes nothing and exits 1; a wrong action is a usage error.
func TestTakesMergeRefuses(t *testing.T) {
	set := showtest.ClickSet(t, "")
	dir := filepath.Dir(set)
	takes := filepath.Join(dir, "click.takes.toml")
	merged := filepath.Join(dir, "click.merged.toml")

	if code, _, stderr := gridbox(t, "takes", "merge", set); code != 1 || !strings.Contains(stderr, "no takes file beside "+set) {
		t.Errorf("without takes: exit %d\n%s", code, stderr)
	}
	showtest.WriteFile(t, takes, "[[track]]\nname = \"Click\"\nclip = [ { scene = 1, sampel = \"x.wav\" } ]\n")
	code, stdout, _ := gridbox(t, "takes", "merge", set)
	if code != 1 || !strings.Contains(stdout, takes+`:3:23: unknown key "sampel" in [[track.clip]]; did you mean "sample"?`) {
		t.Errorf("broken takes: exit %d\n%s", code, stdout)
	}
	if _, err := os.Lstat(merged); err == nil {
		t.Errorf("a merged file was written")
	}

	showtest.WriteFile(t, takes, "[[track]]\nname = \"Click\"\nclip = [ { scene = 1, sample = \"samples/click.wav\" } ]\n")
	if err := syscall.Mkfifo(merged, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if code, _, stderr := gridbox(t, "takes", "merge", set); code != 1 || !strings.Contains(stderr, "not a regular file") {
		t.Errorf("over a FIFO: exit %d\n%s", code, stderr)
	}
	if fi, err := os.Lstat(merged); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced")
	}

	for _, args := range [][]string{{"takes"}, {"takes", "split", set}} {
		if code, _, stderr := gridbox(t, args...); code != 2 {
			t.Errorf("gridbox %q: exit %d\n%s", args, code, stderr)
		}
	}
}

package safemode

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestThreeCrashesStartSafeMode(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Unix(1_700_000_000, 0)
	for i := range Crashes {
		safe, why, err := Begin(dir, "/sets/a.toml", t0.Add(time.Duration(i)*2*time.Second))
		if err != nil || safe {
			t.Fatalf("start %d: safe %v (%s), err %v", i+1, safe, why, err)
		}
	}
	safe, why, err := Begin(dir, "/sets/a.toml", t0.Add(10*time.Second))
	if err != nil || !safe || !strings.Contains(why, "/sets/a.toml stopped gridbox 3 times in a row within 60 s of loading (last at ") {
		t.Fatalf("after %d crashes: safe %v, why %q, err %v", Crashes, safe, why, err)
	}
	// Safe mode clears the record: the next start tries the set again.
	if safe, _, _ := Begin(dir, "/sets/a.toml", t0.Add(20*time.Second)); safe {
		t.Error("the start after safe mode is safe again: the set is never retried")
	}
}

func TestSurvivingOrAnotherSetStartsAfresh(t *testing.T) {
	dir := t.TempDir()
	now := time.Unix(1_700_000_000, 0)
	Begin(dir, "/sets/a.toml", now)
	Begin(dir, "/sets/a.toml", now)
	if err := Survived(dir); err != nil {
		t.Fatal(err)
	}
	Begin(dir, "/sets/a.toml", now)
	Begin(dir, "/sets/a.toml", now)
	if safe, _, _ := Begin(dir, "/sets/a.toml", now); safe {
		t.Error("two crashes after a survived run started safe mode")
	}
	Begin(dir, "/sets/b.toml", now)
	Begin(dir, "/sets/b.toml", now)
	if safe, _, _ := Begin(dir, "/sets/a.toml", now); safe {
		t.Error("crashes of another set counted")
	}
	if err := Survived(t.TempDir()); err != nil {
		t.Errorf("Survived with no record: %v", err)
	}
}

func TestGarbageRecordCountsAsNone(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, File), []byte("x\n\x00\xff 12 /sets/a.toml extra\n/sets/a.toml\n"), 0o644)
	if safe, _, err := Begin(dir, "/sets/a.toml", time.Unix(1, 0)); safe || err != nil {
		t.Errorf("garbage record: safe %v, err %v", safe, err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, File+".tmp*")); len(m) != 0 {
		t.Errorf("temp files left: %v", m)
	}
}

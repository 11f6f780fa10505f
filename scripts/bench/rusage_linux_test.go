package main

import (
	"os/exec"
	"testing"
)

// TestWatchRSSIsTheChilds: a child's peak memory as measured is its own,
// not that of the parent that started it (which ru_maxrss would give).
func TestWatchRSSIsTheChilds(t *testing.T) {
	ballast := make([]byte, 200<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	cmd := exec.Command("sh", "-c", "sleep 0.2")
	rss, err := runChild(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if rss <= 0 || rss > 50<<20 {
		t.Fatalf("sh's peak RSS measured as %d bytes (the parent holds %d)", rss, len(ballast))
	}
	t.Logf("sh: %d KiB", rss>>10)
}

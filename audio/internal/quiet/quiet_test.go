package quiet

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestStderrCapturesFD2(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("stderr is only redirected on Linux")
	}
	got := Stderr("GRIDBOX_QUIET_TEST_UNSET", func() {
		syscall.Write(2, []byte("ALSA lib noise\n"))
	})
	if got != "ALSA lib noise\n" {
		t.Fatalf("captured %q", got)
	}
	t.Setenv("GRIDBOX_QUIET_TEST", "1")
	if got := Stderr("GRIDBOX_QUIET_TEST", func() {}); got != "" {
		t.Fatalf("debug mode captured %q", got)
	}
	if _, err := os.Stderr.Stat(); err != nil {
		t.Fatalf("stderr not restored: %v", err)
	}
}

// A call that hangs gives stderr back after Limit, so what the program
// says meanwhile is not swallowed.
func TestStderrIsGivenBackWhenFnHangs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("stderr is only redirected on Linux")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved, _ := syscall.Dup(2)
	syscall.Dup3(int(w.Fd()), 2, 0) // the test's own stderr, to read back
	defer func() { syscall.Dup3(saved, 2, 0); syscall.Close(saved) }()
	release := make(chan struct{})
	done := make(chan string)
	go func() {
		done <- Stderr("GRIDBOX_QUIET_TEST_UNSET", func() {
			syscall.Write(2, []byte("captured\n"))
			<-release
		})
	}()
	time.Sleep(Limit + 200*time.Millisecond)
	syscall.Write(2, []byte("after the limit\n"))
	close(release)
	if got := <-done; got != "captured\n" {
		t.Errorf("captured %q", got)
	}
	w.Close()
	syscall.Dup3(saved, 2, 0)
	buf := make([]byte, 100)
	n, _ := r.Read(buf)
	if string(buf[:n]) != "after the limit\n" {
		t.Errorf("stderr got %q, want the line written after the limit", buf[:n])
	}
}

package gpio_test

import (
	"fmt"
	"time"

	"gridbox/grid/gpio"
)

// Tap tempo from footswitch presses: feed each press's Time to a Tapper.
func ExampleTapper() {
	var tp gpio.Tapper
	start := time.Date(2025, 3, 1, 20, 0, 0, 0, time.UTC)
	for _, ms := range []int{0, 480, 1000, 1500, 2010, 5000, 5600} {
		bpm, ok := tp.Tap(start.Add(time.Duration(ms) * time.Millisecond))
		if !ok {
			fmt.Printf("%4d ms: first tap\n", ms)
			continue
		}
		fmt.Printf("%4d ms: %.1f BPM\n", ms, bpm)
	}
	// Output:
	//    0 ms: first tap
	//  480 ms: 125.0 BPM
	// 1000 ms: 120.0 BPM
	// 1500 ms: 120.0 BPM
	// 2010 ms: 119.4 BPM
	// 5000 ms: first tap
	// 5600 ms: 100.0 BPM
}

// With no pins configured (no [gpio] section), Open opens nothing and what
// it returns is safe to use: the nil footswitch's channel never delivers.
func ExampleOpen() {
	fs, led, err := gpio.Open(gpio.Config{})
	fmt.Println(fs, led == nil, err)
	select {
	case ev := <-fs.Events():
		fmt.Println("never happens", ev)
	default:
		fmt.Println("no events")
	}
	fmt.Println(led.Beat(0.0))
	// Output:
	// no footswitch true <nil>
	// no events
	// <nil>
}

package monome_test

import (
	"fmt"

	"gridbox/grid"
	"gridbox/grid/monome"
	"gridbox/grid/monome/monometest"
)

// Reading: parse each read chunk, filter its keys, act on what is left.
func Example_keys() {
	p := monome.NewParser(monome.Mext)
	f := monome.Filter{Cols: 16, Rows: 8}
	var keys []monome.Key
	chunks := [][]byte{{0x21, 0x03}, {0x04, 0x21, 0x40, 0x00, 0x20, 0x03, 0x04}} // split key; (64, 0) is off the grid
	for _, chunk := range chunks {
		keys = keys[:0]
		p.Feed(chunk, func(e monome.Event) {
			if e.Kind == monome.KindKey {
				keys = append(keys, e.Key)
			}
		})
		kept, _ := f.Apply(keys)
		for _, k := range kept {
			fmt.Printf("key %d,%d down=%v\n", k.X, k.Y, k.Down)
		}
	}
	// Output:
	// key 3,4 down=true
	// key 3,4 down=false
}

// Writing: keep the frame the grid shows and send only what changed.
func Example_frames() {
	m, _ := monome.ParseModel("monome-128")
	shown, next := (*monome.Frame)(nil), monome.NewFrame(m.Size()) // nil: state unknown after (re)plug
	next.Set(9, 2, monome.LevelOf(0, 0, 255))
	var e monome.Encoder
	fmt.Printf("% X\n", monome.HandshakeRequest())
	fmt.Println(len(e.Encode(shown, next)), "bytes for a whole 128")
	shown = next.Clone()
	next.Set(9, 2, 15)
	fmt.Printf("% X\n", e.Encode(shown, next)[:14]) // key (1, 2) of quad 1 is index 17: byte 8, low nibble
	// Output:
	// 00 01 05
	// 70 bytes for a whole 128
	// 1A 08 00 00 00 00 00 00 00 00 00 0F 00 00
}

// Driving a grid: open a Controller on its serial port (here a simulated
// 128), read pads, set lights, flush. Close releases what is held.
func Example_controller() {
	port := monometest.New(monometest.Config{Cols: 16, Rows: 8, ID: "m1000285"})
	c, err := monome.Open(port, "/dev/ttyACM0", monome.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Info().Model, c.ID())
	port.Press(3, 4)
	fmt.Printf("%+v\n", <-c.Pads())
	c.Set(grid.Button{X: 3, Y: 4}, grid.Light{Color: grid.Color{G: 255}})
	if err := c.Flush(); err != nil {
		fmt.Println(err)
	}
	fmt.Println("level", port.Level(3, 4))
	c.Close()
	for p := range c.Pads() {
		fmt.Printf("%+v\n", p)
	}
	// Output:
	// monome-128 m1000285
	// {Button:{X:3 Y:4} Down:true Velocity:127}
	// level 13
	// {Button:{X:3 Y:4} Down:false Velocity:0}
}

// Package web serves the browser view of a running gridbox: one page with a
// live virtual Launchpad (the grid/virtual layout: 8×8 pads, the scene
// column, the named buttons around them), the status of the audio, the
// set's errors and the list of sets, for a phone on the stage network.
// It imports only the standard library, grid and grid/virtual.
//
// # HTTP surface
//
//	GET  /             the page (embedded; ≤ 100 kB with its assets)
//	GET  /static/NAME  an embedded asset; nothing else, never a listing
//	GET  /api/events   Server-Sent Events: first a whole snapshot (events
//	                   "view", "status", "lights"), then what changes
//	GET  /api/events?c=ID  (the same, for the page whose id is ID)
//	POST /api/press    {"c":"ID","e":[[x,y,down,vel],…],"t":ms}: ≤ 4 KiB, ≤ 64 events → 204
//	POST /api/switch   {"set":"name.toml"}: ≤ 1 KiB → 204
//	GET  /api/sets     ["a.toml","b.toml",…]
//	POST /login        form field "token" (when there is a token)
//
// A lights event is {"seq":N,"t":ms,"full":bool,"l":{"x,y":"text",…}}: seq
// grows by one with every event a client is sent after its snapshot (which
// is full), t is the server's clock when it was encoded (ms since the
// epoch), and text is a light as the controller log writes it ("off",
// "ff8000", "ff8000/flash", "ff8000/pulse").
//
// # Threads and owners
//
// Lights, Status and View are called by the show (the LED, status and
// session goroutines); each encodes its update once and offers the bytes
// to every client's queue without blocking. Each client has one writer,
// its handler goroutine, which writes with a deadline: a client that reads
// too slowly fills its queue and is dropped (its EventSource reconnects
// and is sent a whole snapshot), and one that never reads is cut off by
// the deadline. Control is called on handler goroutines, and Press also
// on the timer that ends a page's lease (see "Held buttons"); the Press
// calls are made one at a time.
//
// # Held buttons
//
// The virtual controller has one held state per button, shared by every
// page, and a button left held on it (Clear, Shift) changes what the real
// Launchpad does; so web keeps, for each page, the buttons it holds, and
// lets go of them when the page goes:
//
//  1. A page makes a random id when it loads (1..32 of [a-z0-9]) and
//     sends it as ?c= on /api/events and as "c" in each POST /api/press.
//     Without one a press is from the page "" (a script, curl).
//  2. A press that Control.Press takes (true) is the page's to release;
//     one it refuses (another page holds the button) is nobody's.
//  3. A release of a button the page does not hold is ignored: one phone
//     cannot end another's hold.
//  4. When the last events stream with a page's id ends, every button the
//     page holds is released at once.
//  5. A page with no events stream open holds for a lease of about 2 s:
//     unless a stream with its id opens by then, what it holds is
//     released. At most 1024 ids are tracked; beyond, the oldest without
//     a stream is forgotten, its buttons released.
//  6. Close releases whatever is still held.
//
// The page posts its presses in order, one POST at a time, retries a
// batch that fails on the way a few times, and after a reconnect (a new
// snapshot) releases what it thought it held.
//
// # Security
//
// With a Token every request needs the cookie "gridbox" holding the hex
// SHA-256 of it (log in with /?token=… or the form, which set it); without one the server listens only on
// a loopback address and answers only requests whose Host is a loopback
// name (against DNS rebinding). Every POST and every /api/ request is
// refused when its Origin is another host or Sec-Fetch-Site says
// cross-site; the API's POSTs take only application/json (no form can send
// them). Set names are plain
// base names of regular *.toml files directly in SetsDir, checked through
// os.Root; no other path from a request reaches the file system.
package web

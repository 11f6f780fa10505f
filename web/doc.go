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
//	POST /api/press    {"e":[[x,y,down,vel],…],"t":ms}: ≤ 4 KiB, ≤ 64 events → 204
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
// the deadline. Control is called on handler goroutines.
//
// # Security
//
// With a Token every request needs the cookie "gridbox" holding it (log
// in with /?token=… or the form); without one the server listens only on
// a loopback address and answers only requests whose Host is a loopback
// name (against DNS rebinding). Every POST and every /api/ request is
// refused when its Origin is another host or Sec-Fetch-Site says
// cross-site; the API's POSTs take only application/json (no form can send
// them). Set names are plain
// base names of regular *.toml files directly in SetsDir, checked through
// os.Root; no other path from a request reaches the file system.
package web

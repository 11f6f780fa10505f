package main

import "gridbox/show"

// cmdReload asks the running gridbox play to reload its set.
func cmdReload(e *env, args []string) error {
	fs := newFlags(e, "reload", "",
		"Reload makes every gridbox play of this user (all of them, as root) reload its set now,\nas it does by itself when the set file is saved: a set with errors is reported in play's\nlog and on the grid, and the last good version plays on. It sends them SIGUSR1, as\n\"systemctl reload gridbox\" does for the service.")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	return show.Reload(e.show())
}

package install

// rulesText is /etc/udev/rules.d/70-gridbox.rules. It names no user: the
// service reaches the devices through its groups, and a person at the
// console through uaccess. Matching follows protocols.md: Launchpads by USB
// vendor 1235 (§1), grids as serialosc and grid/monome.MatchSerial find
// them (§3.1).
const rulesText = `# 70-gridbox.rules: written by "gridbox install" (issue 4) and removed by
# "gridbox uninstall". Lets the gridbox service (groups audio and dialout)
# and whoever sits at the Pi's console (uaccess) use Launchpads and monome
# grids, and keeps them out of USB autosuspend. Numbered 70 so that the
# uaccess tags are set before 73-seat-late.rules turns them into ACLs.
# No symlinks of its own: gridbox finds Launchpads by their ALSA MIDI port
# names, and grids through /dev/serial/by-id, which 60-serial.rules makes.

ACTION=="remove", GOTO="gridbox_end"

# Novation Launchpads: USB vendor 1235 (Focusrite/Novation; Focusrite audio
# interfaces share it, and may have the same). Their ALSA nodes in /dev/snd.
SUBSYSTEM=="sound", ATTRS{idVendor}=="1235", GROUP="audio", MODE="0660", TAG+="uaccess"

# monome grids from 2011 on (CDC-ACM, /dev/ttyACM*): the USB vendor string
# "monome", or a serial number "m" and digits, as serialosc matches them;
# not by USB id, which older CDC grids share with other STM32 devices.
# ID_MM_DEVICE_IGNORE keeps ModemManager from probing them.
SUBSYSTEM=="tty", KERNEL=="ttyACM[0-9]*", ATTRS{manufacturer}=="monome", GROUP="dialout", MODE="0660", TAG+="uaccess", ENV{ID_MM_DEVICE_IGNORE}="1"
SUBSYSTEM=="tty", KERNEL=="ttyACM[0-9]*", ATTRS{serial}=="m[0-9]*", GROUP="dialout", MODE="0660", TAG+="uaccess", ENV{ID_MM_DEVICE_IGNORE}="1"
# Older grids on FTDI chips (vendor 0403, /dev/ttyUSB*): serial numbers
# start with "m", as in m1000285, m128-0123, m40h0123 or mk0123.
SUBSYSTEM=="tty", KERNEL=="ttyUSB[0-9]*", ATTRS{idVendor}=="0403", ATTRS{serial}=="m*", GROUP="dialout", MODE="0660", TAG+="uaccess", ENV{ID_MM_DEVICE_IGNORE}="1"

# No USB autosuspend for any of them: outgoing MIDI to a Launchpad on a Pi
# has been seen delayed after a few idle seconds (protocols.md §2.7).
# power/control "on" keeps the USB device awake.
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{idVendor}=="1235", TEST=="power/control", ATTR{power/control}="on"
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{manufacturer}=="monome", TEST=="power/control", ATTR{power/control}="on"
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{serial}=="m[0-9]*", TEST=="power/control", ATTR{power/control}="on"
SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{idVendor}=="0403", ATTR{serial}=="m*", TEST=="power/control", ATTR{power/control}="on"

LABEL="gridbox_end"
`

#!/bin/sh
# layers.sh - checks the rule src/core/README.md writes down: core is five layers, base < text <
# model < train < course, and a file includes only its own layer and those below; core includes no
# front end, no curses and no readline, and never prints or exits; the two front ends do not
# include each other; and files are opened for reading only in core/base/readfile.c. Prints each
# breach as FILE:LINE and fails if there is any.
cd "$(dirname "$0")/.." || exit 2
rank() {
    case $1 in base) echo 0 ;; text) echo 1 ;; model) echo 2 ;; train) echo 3 ;; course) echo 4 ;; *) echo 9 ;; esac
}
bad=0
breach() { echo "layers: $*" >&2; bad=1; }

for f in src/core/*/*.c src/core/*/*.h; do
    layer=$(basename "$(dirname "$f")")
    r=$(rank "$layer")
    [ "$r" = 9 ] && breach "$f: src/core/$layer is not a layer (base, text, model, train, course)"
    # every quoted include names its layer: "core/LAYER/file.h"
    grep -n '^#include "' "$f" | while IFS= read -r line; do
        n=${line%%:*}
        inc=$(echo "$line" | sed 's/^[0-9]*:#include "\([^"]*\)".*/\1/')
        case $inc in
        core/*/*.h)
            to=$(echo "$inc" | cut -d/ -f2)
            tr=$(rank "$to")
            if [ "$tr" = 9 ]; then echo "$f:$n: includes $inc, in no layer"
            elif [ "$tr" -gt "$r" ]; then echo "$f:$n: $layer includes $inc, a layer above it"; fi ;;
        *) echo "$f:$n: includes \"$inc\"; core includes its own headers as \"core/LAYER/file.h\"" ;;
        esac
    done
done >"${TMPDIR:-/tmp}/nt-layers.$$"
if [ -s "${TMPDIR:-/tmp}/nt-layers.$$" ]; then
    sed 's/^/layers: /' "${TMPDIR:-/tmp}/nt-layers.$$" >&2
    bad=1
fi
rm -f "${TMPDIR:-/tmp}/nt-layers.$$"

# core: no front end, no terminal library, no printing, no exiting
hits=$(grep -nE '#include *[<"](curses|ncurses|ncursesw/|term\.h|readline/|cli/|tui/)' src/core/*/*.[ch])
[ -n "$hits" ] && breach "core includes a front end or a terminal library:
$hits"
hits=$(grep -nE '(^|[^a-z_])(printf|fprintf|vfprintf|puts|fputs|putchar|perror|exit|_exit|abort)[ ]*\(' src/core/*/*.[ch] |
       grep -vE '(snprintf|vsnprintf)[ ]*\(' | grep -vE '^[^:]*:[0-9]*: *(/?\*|//)')
[ -n "$hits" ] && breach "core prints or exits (it returns an error for the front end to report):
$hits"
# files are opened for reading in one place, core/base/readfile.c, which refuses what is not a
# regular file (a FIFO would block the reader) and reads rather than maps (a mapped file cut
# short under us is SIGBUS). Left: /dev/null, the directory a save fsyncs, and two checks that
# read what a save would replace (they belong to the rules for output files).
hits=$(grep -nE '(^|[^a-z_])(fopen|open|openat|mmap|fdopen)[ ]*\(' src/*.c src/*/*.c src/core/*/*.c |
       grep -v '^src/core/base/readfile\.c:' | grep -vE '^[^:]*:[0-9]*: *(/?\*|//)' |
       grep -vE 'fopen\([^,]*, "[wa]b?"\)|fopen\("/dev/null"|O_DIRECTORY|fdopen\(fd, "wb"\)' |
       grep -vE '^src/core/train/checkpoint\.c:[0-9]*: *int fd = open\(path, O_RDONLY \| O_CLOEXEC\);$' |
       grep -vE '^src/tui/app_commands\.c:[0-9]*: *FILE \*f = fopen\(path, "r"\);$')
[ -n "$hits" ] && breach "a file opened for reading outside core/base/readfile.c (use readfile_open, _all, _head or _stream):
$hits"
# the front ends stand side by side
hits=$(grep -n '#include "tui/' src/cli/*.[ch]; grep -n '#include "cli/' src/tui/*.[ch])
[ -n "$hits" ] && breach "a front end includes the other:
$hits"

[ $bad = 0 ] && echo "layers: core is base < text < model < train < course, and the front ends keep to their side"
exit $bad

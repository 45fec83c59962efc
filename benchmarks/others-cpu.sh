# The CPU that processes other than a benchmark's own took while it ran, sourced by the benchmark scripts.
#
# A benchmark's own server and client load the machine, so the load average cannot tell a quiet run from one that
# shared the machine with another build. Instead: the machine's busy time (/proc/stat: user, nice, system, irq,
# softirq, steal) minus the CPU time of the benchmark's own process tree (the script's shell and every process under
# it, /proc/PID/stat: utime + stime of the living, cutime + cstime for the children they have reaped), over the wall
# time between two marks, in cores. A process that leaves the tree (a daemon that detaches) counts as another's
# unless its PID is given to cpu_mark as a root of its own.
#
#   start="$(cpu_mark)"; ...the timed part...; others="$(cpu_others "$start" "$(cpu_mark)")"   # such as 0.03
#   if cpu_disturbed "$others"; then ...warn...; fi
#   cpu_own "$start" "$end"   # the CPU time the benchmark's own processes took, in ms: under load, a fairer
#                             # measure of a short process's work than its wall time (10 ms resolution)
#
# OTHERS_CPU_MAX (cores, default 0.1) is the share above which a run counts as disturbed: 5 % of a 2-core machine,
# well above what the measure cannot resolve (10 ms ticks: 0.01 cores over a one-second part) and well below what a
# build beside the benchmark takes (0.5 to 2 cores). A run below it lost at most that much to others.
OTHERS_CPU_MAX="${OTHERS_CPU_MAX:-0.1}"

cpu_mark() { # [ROOT-PID...] -> "WALL-TICKS BUSY-TICKS OWN-TICKS" (clock ticks; own: the trees under the ROOTs,
  local roots="${*:-$$}"       # default $$)
  {
    cat /proc/uptime /proc/stat
    cat /proc/[0-9]*/stat 2> /dev/null || true  # processes come and go while this reads
  } | awk -v roots="$roots" -v hz="$(getconf CLK_TCK)" '
    BEGIN { split(roots, r, " "); for (i in r) root[r[i]] = 1 }
    NR == 1 { wall = $1 * hz; next }
    $1 == "cpu" { busy = $2 + $3 + $4 + $7 + $8 + $9; next }
    /^[0-9]+ \(/ {
      # The command name may hold spaces and parentheses: the fields that follow start after the last ")".
      pid = $1; rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " ")
      parent[pid] = f[2]; cpu[pid] = f[12] + f[13] + f[14] + f[15]
    }
    END {
      for (pid in cpu) {
        for (p = pid; p != "" && p != 0 && !(p in root); p = parent[p]) {}
        if (p in root) own += cpu[pid]
      }
      printf "%d %d %d\n", wall, busy, own
    }'
}

cpu_others() { # START-MARK END-MARK -> other processes' CPU in cores over the interval, such as 0.03
  echo "$1 $2" | awk '{ wall = $4 - $1; others = ($5 - $2) - ($6 - $3); if (others < 0) others = 0
    printf "%.2f\n", (wall > 0 ? others / wall : 0) }'
}

cpu_own() { # START-MARK END-MARK -> the CPU time of the benchmark's own tree over the interval, in milliseconds
  echo "$1 $2" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%d\n", ($6 - $3) * 1000 / hz }'
}

cpu_disturbed() { # CORES -> status 0 when other processes took more than OTHERS_CPU_MAX cores
  awk -v others="$1" -v max="$OTHERS_CPU_MAX" 'BEGIN { exit !(others > max) }'
}

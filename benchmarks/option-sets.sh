# Option sets for the scripts that compare JVM options side by side (live-options.sh, startup.sh); sourced, not run.
# A set is LABEL="OPTIONS", where OPTIONS may start with the path of another java and may name a class-data archive
# or cache the script makes once per set in $work/set-N: %ARCHIVE% (dynamic), %STATIC% (static), %AOT% (AOT cache).

# split_set SET N: sets label, java, options (placeholders replaced by set N's files) and bare (options without the
# placeholders, to make those files with). Reads $default_java and $work.
split_set() {
  label="${1%%=*}"
  options="${1#*=}"
  java="$default_java"
  case "$options" in
    /*) java="${options%% *}"; options="${options#"$java"}" ;;
  esac
  local dir="$work/set-$2" word
  bare=()
  for word in $options; do
    case "$word" in *%*) ;; *) bare+=("$word") ;; esac
  done
  options="${options//%ARCHIVE%/$dir/dynamic.jsa}"
  options="${options//%STATIC%/$dir/static.jsa}"
  options="${options//%AOT%/$dir/cache.aot}"
}

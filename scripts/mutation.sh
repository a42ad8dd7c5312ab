#!/usr/bin/env bash
# Mutation testing on demand (Stryker.NET, the local tool pinned in .config/dotnet-tools.json).
#
#   scripts/mutation.sh [protocol|native|actors|all] [--since <commit>] [--mutate <glob>]...
#                       [--concurrency N] [--filter <test filter>]
#
# Each project is mutated against its own layer's test project with per-test coverage (a mutant
# runs only the tests that execute it, and a mutant no test executes is reported "no coverage"
# without a run). The reports (html, json, and a text list of the survivors) go to
# artifacts/mutation/<project>/<utc time>/ (artifacts/ is gitignored); the last line per project is
# "<project>: mutation score S% (K killed, T timeout, U survived, N no coverage, of M tested)".
#
# --since <commit> mutates only the files changed since that commit (Stryker's diff mode): run it on
# a change before merging. --mutate narrows the run to some files (Stryker globs relative to the
# project, e.g. '**/Guardian/*.cs'), for a project too slow to run whole.
#
# Stryker compiles the mutants into the test project's bin/ while it runs: do not run tests in the
# same working copy at the same time (run this in a separate clone if you need both).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

usage() { sed -n '4,5p' "$0" | sed 's/^# *//' >&2; exit 2; }

which=all since="" concurrency=1 filter="" mutate=()
while (($#)); do
    case "$1" in
        protocol|native|actors|all) which=$1 ;;
        --since) since=${2:?--since needs a commit}; shift ;;
        --mutate) mutate+=("${2:?--mutate needs a glob}"); shift ;;
        --concurrency) concurrency=${2:?}; shift ;;
        --filter) filter=${2:?}; shift ;;
        -h|--help) usage ;;
        *) echo "unknown argument: $1" >&2; usage ;;
    esac
    shift
done

# project name → (source project, test project)
declare -A src=([protocol]=src/Protocol/UmhActors.Protocol.csproj
                [native]=src/Native/UmhActors.Native.csproj
                [actors]=src/Actors/UmhActors.csproj)
declare -A tests=([protocol]=tests/UmhActors.Protocol.Tests/UmhActors.Protocol.Tests.csproj
                  [native]=tests/UmhActors.Native.Tests/UmhActors.Native.Tests.csproj
                  [actors]=tests/UmhActors.Tests/UmhActors.Tests.csproj)
if [[ $which == all ]]; then projects=(protocol native actors); else projects=("$which"); fi

dotnet tool restore >/dev/null || { echo "dotnet tool restore failed" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

summaries=()
status=0
for p in "${projects[@]}"; do
    out="$root/artifacts/mutation/$p/$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$out"
    # coverage-analysis is a config-file setting in Stryker 5: write one per run.
    # The progress bar needs a terminal; elsewhere (a log file) one dot per mutant tested shows progress.
    if [[ -t 1 ]]; then progress=progress; else progress=dots; fi
    python3 - "$out/stryker-config.json" "$progress" "$filter" "${mutate[@]}" <<'EOF'
import json, sys
path, progress, flt, globs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
cfg = {"coverage-analysis": "perTest", "reporters": [progress, "html", "json"],
       "thresholds": {"high": 80, "low": 60, "break": 0}}
if flt: cfg["test-case-filter"] = flt
if globs: cfg["mutate"] = globs
json.dump({"stryker-config": cfg}, open(path, "w"), indent=2)
EOF
    args=(stryker --config-file "$out/stryker-config.json" --test-project "$root/${tests[$p]}"
          --concurrency "$concurrency" --output "$out" --skip-version-check)
    [[ -n $since ]] && args+=("--since:$since")
    echo "== mutation testing $p (${src[$p]} against ${tests[$p]}), report in ${out#"$root"/}"
    (cd "$(dirname "${src[$p]}")" && dotnet "${args[@]}") 2>&1 | tee "$out/stryker.log" | grep -vE '^\s*$' || true
    report=$(find "$out" -name mutation-report.json | head -1)
    if [[ -z $report ]]; then
        summaries+=("$p: no report (see ${out#"$root"/}/stryker.log)"); status=1; continue
    fi
    summaries+=("$(python3 - "$report" "$p" "$out/survivors.txt" <<'EOF'
import json, sys
report, name, survivors_path = sys.argv[1:4]
data = json.load(open(report))
count = {}
lines = []
for path, f in sorted(data["files"].items()):
    src = f.get("source", "").splitlines()
    for m in f["mutants"]:
        s = m["status"]
        count[s] = count.get(s, 0) + 1
        if s in ("Survived", "NoCoverage"):
            line = m["location"]["start"]["line"]
            code = src[line - 1].strip() if 0 < line <= len(src) else ""
            lines.append(f"{s:10} {path.split('/src/')[-1]}:{line}  {m['mutatorName']}: "
                         f"{m.get('replacement', '')!s:.60}   | {code[:90]}")
open(survivors_path, "w").write("\n".join(lines) + "\n")
k, t = count.get("Killed", 0), count.get("Timeout", 0)
u, n = count.get("Survived", 0), count.get("NoCoverage", 0)
tested = k + t + u + n
score = 100.0 * (k + t) / tested if tested else float("nan")
print(f"{name}: mutation score {score:.1f}% ({k} killed, {t} timeout, {u} survived, "
      f"{n} no coverage, of {tested} tested; {count.get('CompileError', 0)} compile errors, "
      f"{count.get('Ignored', 0)} ignored)")
EOF
)")
    echo "   survivors: ${out#"$root"/}/survivors.txt"
done
printf '%s\n' "${summaries[@]}"
exit $status

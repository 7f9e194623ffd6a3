#!/usr/bin/env bash
# The steps of the aiclear GitHub Action (action.yml), one subcommand each:
#
#   prepare   check the inputs, compute the cache key, put the cached binary on PATH
#   build     cargo install aiclear from the action's own source
#   range     work out what to check from the event, and fetch the history it needs
#   check     run aiclear; count errors and warnings from the SARIF file
#   verdict   fail the step as `fail-on` says
#
# Inputs arrive as AICLEAR_* environment variables set by action.yml's `env:`
# blocks (never through `${{ }}` in the script itself); outputs go to
# $GITHUB_OUTPUT. GITHUB_EVENT_NAME, GITHUB_EVENT_PATH and GITHUB_ACTION_PATH
# are the runner's own variables.
set -euo pipefail

# How many times a `git fetch` is tried before the history is given up on.
attempts=${AICLEAR_FETCH_ATTEMPTS:-3}

# A workflow command: `annotate error|warning|notice MESSAGE`, the message
# escaped as @actions/core escapes it, so that text from an input stays in the
# message.
annotate() {
    local message=${2//'%'/'%25'}
    message=${message//$'\r'/'%0D'}
    message=${message//$'\n'/'%0A'}
    printf '::%s title=aiclear::%s\n' "$1" "$message"
}

die() {
    # A usage error of the action itself (a bad input): exit code 2, like aiclear.
    annotate error "$1"
    exit 2
}

output() {
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
}

# The production's root folder: the `config` input, which may also name the
# `.aiclear` folder or its config.yml.
production() {
    local dir=${AICLEAR_CONFIG:-.}
    dir=${dir%/}
    case $dir in
    .aiclear/config.yml | .aiclear) dir=. ;;
    */.aiclear/config.yml) dir=${dir%/.aiclear/config.yml} ;;
    */.aiclear) dir=${dir%/.aiclear} ;;
    esac
    printf '%s\n' "${dir:-.}"
}

cmd_prepare() {
    local sha256=(sha256sum)
    command -v sha256sum >/dev/null || sha256=(shasum -a 256) # macOS
    case ${AICLEAR_FAIL_ON:-error} in error | warning) ;; *)
        die "fail-on must be \`error\` or \`warning\`, not \`$AICLEAR_FAIL_ON\`" ;;
    esac
    case ${AICLEAR_HISTORY:-fetch} in fetch | require) ;; *)
        die "history must be \`fetch\` or \`require\`, not \`$AICLEAR_HISTORY\`" ;;
    esac
    case ${AICLEAR_SUMMARY:-true} in true | false) ;; *)
        die "summary must be \`true\` or \`false\`, not \`$AICLEAR_SUMMARY\`" ;;
    esac
    case ${AICLEAR_SCOPE:-changes} in changes | all) ;; *)
        die "scope must be \`changes\` or \`all\`, not \`$AICLEAR_SCOPE\`" ;;
    esac
    case ${AICLEAR_MAX_ANNOTATIONS:-10} in '' | *[!0-9]*)
        die "max-annotations must be a whole number, not \`$AICLEAR_MAX_ANNOTATIONS\`" ;;
    esac
    local dir
    dir=$(production)
    [ -d "$dir" ] || die "config: \`$dir\` is not a folder (it names the production's root, the folder that holds .aiclear/)"
    command -v jq >/dev/null || die "jq is needed (GitHub's hosted runners have it; on a self-hosted runner, install it)"
    command -v git >/dev/null || die "git is needed"

    # The key covers everything the binary is built from. (`hashFiles()` only
    # sees files inside the workspace, and the action's own folder is not.)
    local hash
    hash=$(
        cd "$GITHUB_ACTION_PATH"
        find Cargo.toml Cargo.lock src -type f -print0 | LC_ALL=C sort -z |
            xargs -0 "${sha256[@]}" | "${sha256[@]}" | cut -c1-32
    )
    output key "aiclear-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-$hash"
    output restore-key "aiclear-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-"
    # Where the build step installs, and the cache restores, the binary.
    printf '%s\n' "$HOME/.cargo/bin" >>"$GITHUB_PATH"
}

cmd_build() {
    if ! command -v cargo >/dev/null; then
        die "cargo is needed to build aiclear (GitHub's hosted runners have it; elsewhere install Rust 1.89 or later first)"
    fi
    cargo install --locked --force --root "$HOME/.cargo" --path "$GITHUB_ACTION_PATH"
}

# --- history ---------------------------------------------------------------

git_() { git -C "$dir" "$@"; }

is_sha() { [[ $1 =~ ^[0-9a-f]{40}([0-9a-f]{24})?$ ]]; }
is_zero() { [[ $1 =~ ^0+$ ]]; }

# The commit id that REV names here, or nothing.
resolve() {
    local rev=$1
    git_ rev-parse --verify --quiet --end-of-options "$rev^{commit}" 2>/dev/null && return
    is_sha "$rev" && return 1
    git_ rev-parse --verify --quiet --end-of-options "refs/remotes/origin/${rev#refs/heads/}^{commit}" 2>/dev/null
}

# Let `git fetch` use the token for the server's URL, unless actions/checkout
# left its own credentials in the repository's config (two Authorization
# headers are refused). The header lives in this process's environment only.
authenticate() {
    local server=${GITHUB_SERVER_URL:-https://github.com} basic n
    [ -n "${AICLEAR_TOKEN:-}" ] || return 0
    if git_ config --get-all "http.$server/.extraheader" >/dev/null 2>&1; then
        return 0
    fi
    basic=$(printf 'x-access-token:%s' "$AICLEAR_TOKEN" | base64 | tr -d '\n')
    printf '::add-mask::%s\n' "$basic"
    n=${GIT_CONFIG_COUNT:-0}
    export "GIT_CONFIG_KEY_$n=http.$server/.extraheader"
    export "GIT_CONFIG_VALUE_$n=AUTHORIZATION: basic $basic"
    export GIT_CONFIG_COUNT=$((n + 1))
}

# Run a fetch up to $attempts times, a little longer apart each time.
fetch() {
    local n=1
    echo "aiclear: git fetch $*"
    until git_ fetch --no-tags --quiet "$@"; do
        if [ "$n" -ge "$attempts" ]; then
            echo "aiclear: \`git fetch $*\` failed $n times"
            return 1
        fi
        sleep $((n * 5))
        n=$((n + 1))
    done
}

# Fetch REV (a commit id or a branch name) unless it is here already.
fetch_rev() {
    local rev=$1
    resolve "$rev" >/dev/null && return 0
    if is_sha "$rev"; then
        fetch origin "$rev" || return 1
    else
        local name=${rev#refs/heads/}
        name=${name#refs/remotes/origin/}
        name=${name#origin/}
        fetch origin "+refs/heads/$name:refs/remotes/origin/$name" || return 1
    fi
}

# aiclear traces approvals and declarations through the whole history of the
# files it checks, so it refuses a shallow clone: make it complete.
unshallow() {
    if [ "$(git_ rev-parse --is-shallow-repository)" = true ]; then
        fetch --unshallow origin || return 1
    fi
}

# Whether the event proposes a change rather than reports one that landed: a
# pull request or a merge group. Its work tree holds the configuration and the
# approvals ledger that the change itself proposes, so it is judged as a range
# against its base, whatever `scope` and `paths` say.
is_proposal() {
    case ${GITHUB_EVENT_NAME:-} in
    pull_request | pull_request_target | pull_request_review | pull_request_review_comment | merge_group)
        return 0
        ;;
    esac
    return 1
}

cmd_range() {
    dir=$(production)
    local event=${GITHUB_EVENT_NAME:-} payload=${GITHUB_EVENT_PATH:-} base='' head='' new_branch=''
    local default='' ref='' all=false
    if is_proposal; then
        if [ "${AICLEAR_SCOPE:-changes}" = all ]; then
            all=true
            annotate notice "scope: all on a $event event checks every matched file at head within the range, against the base (aiclear check --base … --all): a check of the work tree would trust the configuration and the approvals ledger that the change itself proposes"
        fi
        if [ -n "$(trimmed_paths)" ]; then
            annotate notice "paths is ignored on a $event event: the change is checked as a range against the base, because a check of the given files of the work tree would trust the configuration and the approvals ledger that the change itself proposes, and would leave out the other files it changes"
        fi
    elif [ "${AICLEAR_SCOPE:-changes}" = all ] || [ -n "$(trimmed_paths)" ]; then
        if [ -n "${AICLEAR_BASE:-}${AICLEAR_HEAD:-}" ]; then
            die "base and head compare two commits; scope: all and paths check the work tree: use one or the other"
        fi
        echo "aiclear: checking every matched file${AICLEAR_PATHS:+ under the given paths}"
        output base ''
        output head ''
        output all false
        return 0
    fi
    output all "$all"
    if [ -n "$payload" ] && [ -f "$payload" ]; then
        case $event in
        pull_request | pull_request_target | pull_request_review | pull_request_review_comment)
            # The PR's own commits, not the synthetic merge commit that
            # actions/checkout checks out.
            base=$(jq -r '.pull_request.base.sha // empty' "$payload")
            head=$(jq -r '.pull_request.head.sha // empty' "$payload")
            ;;
        push)
            base=$(jq -r '.before // empty' "$payload")
            head=$(jq -r '.after // empty' "$payload")
            ref=$(jq -r '.ref // empty' "$payload")
            default=$(jq -r '.repository.default_branch // empty' "$payload")
            if [ -n "$head" ] && is_zero "$head"; then
                # A deleted branch: nothing is left to check but the work tree.
                base='' head=''
            elif [ -z "$base" ] || is_zero "$base"; then
                base=''
                if [ -n "$default" ] && [ "$ref" != "refs/heads/$default" ]; then
                    new_branch=$default
                fi
            fi
            ;;
        merge_group)
            base=$(jq -r '.merge_group.base_sha // empty' "$payload")
            head=$(jq -r '.merge_group.head_sha // empty' "$payload")
            ;;
        esac
    fi
    # Explicit inputs win.
    if [ -n "${AICLEAR_BASE:-}" ]; then
        base=$AICLEAR_BASE new_branch=''
    fi
    if [ -n "${AICLEAR_HEAD:-}" ]; then
        head=$AICLEAR_HEAD
        if [ -z "$base" ] && [ -z "$new_branch" ]; then
            die "head is set but there is no base to compare it with: set base too"
        fi
    fi
    for rev in "$base" "$head"; do
        case $rev in -* | *[[:space:][:cntrl:]]*) die "\`$rev\` is not a revision" ;; esac
    done
    [ -n "$head" ] || head=HEAD

    if [ -z "$base" ] && is_proposal; then
        die "the $event event gives no base commit to compare with, and a $event is only ever checked against its base: set the base input"
    fi
    if [ -z "$base" ] && [ -z "$new_branch" ]; then
        echo "aiclear: ${event:-no} event: checking every matched file"
        output base ''
        output head ''
        return 0
    fi

    local complete=true
    if [ "${AICLEAR_HISTORY:-fetch}" = fetch ]; then
        authenticate
        unshallow || complete=false
        fetch_rev "$head" || complete=false
        if [ -n "$new_branch" ]; then
            fetch_rev "$new_branch" || complete=false
        else
            if ! fetch_rev "$base" && [ "$event" = push ] && [ -z "${AICLEAR_BASE:-}" ] &&
                [ -n "$default" ] && [ "$ref" != "refs/heads/$default" ]; then
                # A force push whose old tip is gone: fall back to the
                # branch's merge base with the default branch.
                echo "aiclear: the commit before the push, $base, cannot be fetched; comparing with $default instead"
                new_branch=$default
                fetch_rev "$new_branch" || complete=false
            fi
        fi
    fi

    local head_id base_id
    head_id=$(resolve "$head") || head_id=$head
    if [ -n "$new_branch" ]; then
        # A new branch: what it adds to the default branch.
        local tip
        if tip=$(resolve "$new_branch") && base_id=$(git_ merge-base "$tip" "$head_id" 2>/dev/null); then
            echo "aiclear: comparing with the merge base with $new_branch"
        else
            printf '::error title=GA606 incomplete-history::%s\n' \
                "this push creates a branch, and what it adds is judged against its merge base with \`$new_branch\`, which is not in this clone: use actions/checkout with fetch-depth: 0, or history: fetch"
            output base ''
            output head "$head_id"
            output missing "$new_branch"
            return 0
        fi
    else
        base_id=$(resolve "$base") || base_id=$base
    fi
    [ "$complete" = true ] || echo "aiclear: the history could not all be fetched; aiclear will say what is missing"
    echo "aiclear: ${event:-no} event: checking $base_id..$head_id"
    output base "$base_id"
    output head "$head_id"
}

# The `paths` input, one a line, without blank lines or surrounding blanks.
trimmed_paths() {
    printf '%s\n' "${AICLEAR_PATHS:-}" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d'
}

# --- check -----------------------------------------------------------------

# "ERRORS WARNINGS" from a SARIF log: results by their effective level (the
# result's own, else its rule's default, else SARIF's default `warning`),
# leaving out suppressed ones.
count() {
    jq -r '
      [ .runs[] as $run
        | ($run.results // [])[]
        | select(((.suppressions // []) | length) == 0)
        | ( .level
            // (if .ruleIndex != null
                then $run.tool.driver.rules[.ruleIndex].defaultConfiguration.level
                else null end)
            // "warning") ]
      | "\(map(select(. == "error")) | length) \(map(select(. == "warning")) | length)"
    ' "$1"
}

cmd_check() {
    dir=$(production)
    local sarif=${AICLEAR_SARIF_FILE:-aiclear.sarif}
    case $sarif in /*) ;; *) sarif=$PWD/$sarif ;; esac
    mkdir -p "$(dirname "$sarif")"
    rm -f "$sarif"

    local code
    if [ -n "${AICLEAR_MISSING:-}" ]; then
        # The range step could not find the base (and said so).
        code=3
    else
        local args=(-C "$dir" check) range=false
        if [ -n "${AICLEAR_RANGE_BASE:-}" ]; then
            range=true
            args+=(--base "$AICLEAR_RANGE_BASE" --head "${AICLEAR_RANGE_HEAD:-HEAD}")
            [ "${AICLEAR_RANGE_ALL:-false}" != true ] || args+=(--all)
        elif is_proposal; then
            die "a ${GITHUB_EVENT_NAME} event is only ever checked against its base, and the range step gave none"
        fi
        args+=(--format github --sarif "$sarif" --max-annotations "${AICLEAR_MAX_ANNOTATIONS:-10}")
        if [ "${AICLEAR_SUMMARY:-true}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
            args+=(--summary "$GITHUB_STEP_SUMMARY")
        fi
        # `paths` narrows a check of the work tree, never a range (the range
        # step said so when it ignored them).
        local path first=true
        if [ "$range" = false ]; then
            while IFS= read -r path; do
                if [ "$first" = true ]; then
                    args+=(--)
                    first=false
                fi
                args+=("$path")
            done < <(trimmed_paths)
        fi
        set +e
        (
            # aiclear writes $GITHUB_STEP_SUMMARY by default: not with summary: false.
            [ "${AICLEAR_SUMMARY:-true}" = true ] || unset GITHUB_STEP_SUMMARY
            exec aiclear "${args[@]}"
        )
        code=$?
        set -e
    fi

    local errors=0 warnings=0 counts
    if [ -s "$sarif" ] && counts=$(count "$sarif"); then
        read -r errors warnings <<<"$counts"
        output sarif-file "$sarif"
    else
        output sarif-file ''
        case $code in 0 | 1) annotate warning "no SARIF log was written to $sarif" ;; esac
    fi
    output errors "$errors"
    output warnings "$warnings"
    output exit-code "$code"
    if [ "$code" = 3 ]; then output history-complete false; else output history-complete true; fi
}

cmd_verdict() {
    local code=${AICLEAR_EXIT_CODE:-} errors=${AICLEAR_ERRORS:-0} warnings=${AICLEAR_WARNINGS:-0}
    case $code in
    0)
        if [ "${AICLEAR_FAIL_ON:-error}" = warning ] && [ "${warnings:-0}" -gt 0 ]; then
            annotate error "$warnings warning(s), and fail-on is warning"
            exit 1
        fi
        echo "aiclear: no errors, $warnings warning(s)"
        ;;
    1)
        echo "aiclear: $errors error(s), $warnings warning(s)"
        exit 1
        ;;
    2)
        annotate error "the configuration or the command line is wrong (exit code 2): see the log of the check step"
        exit 2
        ;;
    3)
        echo "aiclear: the history needed for this check is missing (exit code 3)"
        exit 3
        ;;
    *)
        annotate error "aiclear failed (exit code ${code:-none})"
        exit 1
        ;;
    esac
}

case ${1:-} in
prepare | build | range | check | verdict) "cmd_$1" ;;
*)
    echo "usage: $0 prepare|build|range|check|verdict" >&2
    exit 2
    ;;
esac

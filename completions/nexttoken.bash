# bash completion for nexttoken: its commands, each command's options, the values some options
# take (--tokenizer, --preset, --format, --pattern), and file names where a FILE goes.
# `make install` puts it in $(DATADIR)/bash-completion/completions/nexttoken, where
# bash-completion loads it on first use; `. completions/nexttoken.bash` tries it in a shell.
# tests/cli/completion.sh checks that every option a command's --help prints or its argument
# table accepts is listed here, so the lists cannot fall behind the program.

# The options of each command (and of the interface, "nexttoken" alone).
_nexttoken_options() {
    case $1 in
    train) echo "--corpus --data --val-data --out --preset --layers --heads --dim --ctx --vocab-size --tokenizer --batch --steps
                 --seconds --constant-lr --lr --warmup --seed --resume --save-every --val-every --threads --json
                 --quiet --help" ;;
    sample) echo "--model --prompt --tokens --count --temperature --top-k --top-p --min-p --seed --trace --timing --threads --json --help" ;;
    loss) echo "--model --ids --position --step-lr --json --help" ;;
    softmax) echo "--model --prompt --rows --temperature --top-k --top-p --min-p --json --help" ;;
    slice) echo "--model --tokenizer --corpus --context --limit --json --help" ;;
    bpe) echo "--corpus --vocab-size --out --pattern --trace --json --help" ;;
    encode) echo "--tokenizer --corpus --json --format --out --threads --help" ;;
    decode) echo "--tokenizer --help" ;;
    export) echo "--model --format --out --tokenizer --tokenizer-out --help" ;;
    info) echo "--model --json --history --help" ;;
    attention) echo "--model --layer --head --ids --json --help" ;;
    lens) echo "--model --top --ids --json --help" ;;
    neighbors) echo "--model --k --json --help" ;;
    lesson | lessons) echo "--model --corpus --fresh --present --threads --script --size --check --help" ;;
    *) echo "--model --corpus --fresh --present --threads --script --size --version --help" ;;
    esac
}

_nexttoken_files() {
    if declare -F _filedir >/dev/null; then
        _filedir
    else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_nexttoken() {
    local cur prev cmd i
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # The command: the first word after the program that is not an option or an option's value.
    local commands="train sample loss softmax slice bpe encode decode export info attention lens neighbors lesson lessons"
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *)
            case " $commands " in *" ${COMP_WORDS[i]} "*) cmd=${COMP_WORDS[i]}; break ;; esac ;;
        esac
    done

    # An option's value.
    case $prev in
    --tokenizer)
        local names="byte gpt2 cl100k o200k"
        case $cmd in slice | encode) names="$names word char" ;; esac
        COMPREPLY=($(compgen -W "$names" -- "$cur"))
        local files=($(compgen -f -- "$cur"))
        COMPREPLY+=("${files[@]}")
        compopt -o filenames 2>/dev/null
        return ;;
    --preset) COMPREPLY=($(compgen -W "tiny small base" -- "$cur")); return ;;
    --format)
        case $cmd in encode) COMPREPLY=($(compgen -W "llmc" -- "$cur")) ;; *) COMPREPLY=($(compgen -W "llmc nexttoken" -- "$cur")) ;; esac
        return ;;
    --pattern) COMPREPLY=($(compgen -W "gpt2 cl100k o200k none" -- "$cur")); return ;;
    --corpus | --out | --model | --resume | --script | --tokenizer-out | --data | --val-data) _nexttoken_files; return ;;
    --prompt | --layers | --heads | --dim | --ctx | --vocab-size | --batch | --steps | --seconds | --lr | \
    --warmup | --seed | --save-every | --val-every | --threads | --tokens | --count | --temperature | \
    --top-k | --top-p | --min-p | --position | --step-lr | --rows | --context | --limit | --size | \
    --layer | --head | --top | --k)
        return ;; # a number or a text: nothing to offer
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_nexttoken_options "$cmd")" -- "$cur"))
        return
    fi
    case $cmd in
    "") COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
    bpe) [[ $prev == bpe ]] && COMPREPLY=($(compgen -W "train" -- "$cur")) ;;
    lesson)
        # a shipped lesson by name (as the program lists them: "03-softmax.md" is "softmax"), or a file
        local names
        names=$("${COMP_WORDS[0]}" lessons 2>/dev/null | sed -n 's|.*/[0-9]*-\([^/]*\)\.md)$|\1|p' | sort -u)
        COMPREPLY=($(compgen -W "$names" -- "$cur"))
        local files=($(compgen -f -- "$cur"))
        COMPREPLY+=("${files[@]}")
        compopt -o filenames 2>/dev/null ;;
    lessons | loss) _nexttoken_files ;; # lessons to check; a text
    esac
}
complete -F _nexttoken nexttoken

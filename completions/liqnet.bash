# bash completion for liqnet. Written by `liqnet __docs bash` from the option
# tables of src/cli; do not edit (test_cli_docs checks it). Use it with
#   source completions/liqnet.bash
# or install it as /usr/share/bash-completion/completions/liqnet.
_liqnet()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "run check sweep calibrate graph generate show help version" -- "$cur"))
        return
    fi
    case ${COMP_WORDS[1]} in
        run)
            case $prev in
                --output|-o)
                    COMPREPLY=($(compgen -f -- "$cur"))
                    return ;;
                --threads)
                    return ;;
                --seed)
                    return ;;
                --rounds)
                    return ;;
                --set)
                    return ;;
                --top)
                    return ;;
                --centrality)
                    COMPREPLY=($(compgen -W "auto exact skip" -- "$cur"))
                    return ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--output -o --threads --seed --rounds --set --force --quiet --json --top --centrality --help -h" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            ;;
        check)
            case $prev in
                --set)
                    return ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--set --help -h" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            ;;
        sweep)
            case $prev in
                --output|-o)
                    COMPREPLY=($(compgen -f -- "$cur"))
                    return ;;
                --threads)
                    return ;;
                --print-run)
                    return ;;
                --stop-after)
                    return ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--output -o --force --resume --threads --print-run --quiet --stop-after --help -h" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            ;;
        calibrate)
            case $prev in
                --output|-o)
                    COMPREPLY=($(compgen -f -- "$cur"))
                    return ;;
                --threads)
                    return ;;
                --run)
                    COMPREPLY=($(compgen -f -- "$cur"))
                    return ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--output -o --force --threads --run --quiet --verbose --help -h" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            ;;
        graph)
            case $prev in
                --output|-o)
                    COMPREPLY=($(compgen -f -- "$cur"))
                    return ;;
                --format)
                    COMPREPLY=($(compgen -W "graphml gml" -- "$cur"))
                    return ;;
                --centrality)
                    COMPREPLY=($(compgen -W "auto exact skip" -- "$cur"))
                    return ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--output -o --format --centrality --quiet --help -h" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            ;;
        generate)
            case $prev in
                --output|-o)
                    COMPREPLY=($(compgen -f -- "$cur"))
                    return ;;
                --model)
                    COMPREPLY=($(compgen -W "erdos_renyi barabasi_albert blocks degrees" -- "$cur"))
                    return ;;
                --protocols)
                    return ;;
                --assets)
                    return ;;
                --accounts)
                    return ;;
                --alpha)
                    return ;;
                --seed)
                    return ;;
                --rounds)
                    return ;;
                --name)
                    return ;;
                --shock-return)
                    return ;;
                --shock-round)
                    return ;;
                --pools-per-asset)
                    return ;;
                --oracles-per-asset)
                    return ;;
                --min-depth-ratio)
                    return ;;
                --holdings-probability)
                    return ;;
                --holdings-exposure)
                    return ;;
                --probability)
                    return ;;
                --attachments)
                    return ;;
                --blocks)
                    return ;;
                --p-within)
                    return ;;
                --p-between)
                    return ;;
                --protocol-degrees)
                    return ;;
                --asset-degrees)
                    return ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--output -o --force --model --protocols --assets --accounts --alpha --seed --rounds --name --shock-return --shock-round --pools-per-asset --oracles-per-asset --min-depth-ratio --holdings-probability --holdings-exposure --probability --attachments --blocks --p-within --p-between --protocol-degrees --asset-degrees --help -h" -- "$cur"))
            fi
            ;;
        show)
            case $prev in
                --top)
                    return ;;
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--json --top --help -h" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            ;;
        help)
            COMPREPLY=($(compgen -W "run check sweep calibrate graph generate show help version" -- "$cur"))
            ;;
        version)
            case $prev in
            esac
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "--help -h" -- "$cur"))
            fi
            ;;
    esac
}
complete -o filenames -F _liqnet liqnet

# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_redcon_global_optspecs
    string join \n mouse read-only site= live= config= site-name= theme= timeout= h/help V/version
end

function __fish_redcon_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_redcon_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_redcon_using_subcommand
    set -l cmd (__fish_redcon_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c redcon -n "__fish_redcon_needs_command" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_needs_command" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_needs_command" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_needs_command" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_needs_command" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_needs_command" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_needs_command" -l mouse -d 'Console: click tabs and rows, wheel to move. Off by default, since capturing the mouse takes the terminal\'s own copy and paste away (Shift-drag still selects in most terminals)'
complete -c redcon -n "__fish_redcon_needs_command" -l read-only -d 'Console: look, never act. No operation can be prepared or sent from it'
complete -c redcon -n "__fish_redcon_needs_command" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_needs_command" -s V -l version -d 'Print version'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "status" -d 'One-shot check: monitoring-plugins line or JSON, exit 0/1/2/3'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "explain" -d 'Per subsystem: tier, redundancy label, what blocks the next tier, and the SPOFs. Exits 0 whenever it could explain'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "agent" -d 'Serve this host\'s live state over the agent API (v1)'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "wallboard" -d 'Read-only wallboard for a NOC wall: tier badge, tiles, findings, rotating pages'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "keys" -d 'Print the console\'s key bindings in effect (keymap.ron applied) and the wallboard\'s'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "drain" -d 'Take a unit out of service for maintenance, after a preflight (see docs/operations.md)'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "standby" -d 'Put a cluster node into standby (it keeps its quorum vote), after a preflight'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "undrain" -d 'Return a unit to service'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "failover" -d 'Fail a VRRP group or active-backup bond over to member --to, or a UPS to its bypass'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "move" -d 'Move a cluster resource to node --to'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "audit" -d 'Print the operations audit log'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "exporter" -d 'Poll one site\'s agents and serve its verdict as OpenMetrics at /metrics, for Prometheus (docs/prometheus.md). Without --config: the embedded demo site'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "sim" -d 'Serve a simulated site (default: the demo) behind the agent API, with fault injection'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "completions" -d 'Print the completion script for a shell, e.g. `redcon completions bash > ~/.local/share/bash-completion/completions/redcon`'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "man" -d 'Print the manual page redcon(1); with --dir, write it and one page per subcommand (redcon-status(1), ...) there'
complete -c redcon -n "__fish_redcon_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c redcon -n "__fish_redcon_using_subcommand status" -l format -r -f -a "text\t''
json\t''"
complete -c redcon -n "__fish_redcon_using_subcommand status" -l require-tier -d 'CRITICAL when the live tier is below N (1-4)' -r
complete -c redcon -n "__fish_redcon_using_subcommand status" -l audit -d 'Audit log to read maintenance left in place from (default $XDG_STATE_HOME/redcon/audit.jsonl when it exists)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand status" -l maintenance-age -d 'Maintenance started through redcon and older than this is a WARNING' -r
complete -c redcon -n "__fish_redcon_using_subcommand status" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand status" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand status" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand status" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand status" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand status" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand status" -s v -l verbose -d 'Print findings and SPOFs per subsystem after the status line'
complete -c redcon -n "__fish_redcon_using_subcommand status" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand explain" -l format -r -f -a "text\t''
json\t''"
complete -c redcon -n "__fish_redcon_using_subcommand explain" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand explain" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand explain" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand explain" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand explain" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand explain" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand explain" -s v -l verbose -d 'Each agent\'s error with its whole cause chain'
complete -c redcon -n "__fish_redcon_using_subcommand explain" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand agent" -l agent-config -d 'Agent config (RON); without it: the host collector only, id = hostname' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand agent" -l listen -d 'Address to listen on (default from the config, else 127.0.0.1:9470)' -r
complete -c redcon -n "__fish_redcon_using_subcommand agent" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand agent" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand agent" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand agent" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand agent" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand agent" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand agent" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand wallboard" -l rotate -d 'Seconds each page stays up (0: no rotation)' -r
complete -c redcon -n "__fish_redcon_using_subcommand wallboard" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand wallboard" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand wallboard" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand wallboard" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand wallboard" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand wallboard" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand wallboard" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand keys" -l format -d '`ron` prints the console\'s keymap as a keymap.ron to save and edit' -r -f -a "text\t''
ron\t''"
complete -c redcon -n "__fish_redcon_using_subcommand keys" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand keys" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand keys" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand keys" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand keys" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand keys" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand keys" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l reason -d 'Why (required; goes to the audit log and the agent)' -r
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l token-file -d 'File whose first line is the agent\'s operate token (else $REDCON_TOKEN)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l audit -d 'Audit log (default $XDG_STATE_HOME/redcon/audit.jsonl)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l operator -d 'Who is acting (default $USER)' -r
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l dry-run -d 'Print the plan and exit 0 safe / 1 degrades / 2 refused / 7 uncertain; send nothing'
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l accept-degrade -d 'Carry out a plan that degrades the site'
complete -c redcon -n "__fish_redcon_using_subcommand drain" -l force -d 'Carry out a plan preflight refused (a load or quorum would be lost)'
complete -c redcon -n "__fish_redcon_using_subcommand drain" -s y -l yes -d 'Do not ask for confirmation (scripts)'
complete -c redcon -n "__fish_redcon_using_subcommand drain" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l reason -d 'Why (required; goes to the audit log and the agent)' -r
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l token-file -d 'File whose first line is the agent\'s operate token (else $REDCON_TOKEN)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l audit -d 'Audit log (default $XDG_STATE_HOME/redcon/audit.jsonl)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l operator -d 'Who is acting (default $USER)' -r
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l dry-run -d 'Print the plan and exit 0 safe / 1 degrades / 2 refused / 7 uncertain; send nothing'
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l accept-degrade -d 'Carry out a plan that degrades the site'
complete -c redcon -n "__fish_redcon_using_subcommand standby" -l force -d 'Carry out a plan preflight refused (a load or quorum would be lost)'
complete -c redcon -n "__fish_redcon_using_subcommand standby" -s y -l yes -d 'Do not ask for confirmation (scripts)'
complete -c redcon -n "__fish_redcon_using_subcommand standby" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l reason -d 'Why (required; goes to the audit log and the agent)' -r
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l token-file -d 'File whose first line is the agent\'s operate token (else $REDCON_TOKEN)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l audit -d 'Audit log (default $XDG_STATE_HOME/redcon/audit.jsonl)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l operator -d 'Who is acting (default $USER)' -r
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l dry-run -d 'Print the plan and exit 0 safe / 1 degrades / 2 refused / 7 uncertain; send nothing'
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l accept-degrade -d 'Carry out a plan that degrades the site'
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -l force -d 'Carry out a plan preflight refused (a load or quorum would be lost)'
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -s y -l yes -d 'Do not ask for confirmation (scripts)'
complete -c redcon -n "__fish_redcon_using_subcommand undrain" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l reason -d 'Why (required; goes to the audit log and the agent)' -r
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l token-file -d 'File whose first line is the agent\'s operate token (else $REDCON_TOKEN)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l audit -d 'Audit log (default $XDG_STATE_HOME/redcon/audit.jsonl)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l operator -d 'Who is acting (default $USER)' -r
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l to -d 'The member to hand over to (a UPS: omit, or `bypass`)' -r
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l dry-run -d 'Print the plan and exit 0 safe / 1 degrades / 2 refused / 7 uncertain; send nothing'
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l accept-degrade -d 'Carry out a plan that degrades the site'
complete -c redcon -n "__fish_redcon_using_subcommand failover" -l force -d 'Carry out a plan preflight refused (a load or quorum would be lost)'
complete -c redcon -n "__fish_redcon_using_subcommand failover" -s y -l yes -d 'Do not ask for confirmation (scripts)'
complete -c redcon -n "__fish_redcon_using_subcommand failover" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand move" -l reason -d 'Why (required; goes to the audit log and the agent)' -r
complete -c redcon -n "__fish_redcon_using_subcommand move" -l token-file -d 'File whose first line is the agent\'s operate token (else $REDCON_TOKEN)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand move" -l audit -d 'Audit log (default $XDG_STATE_HOME/redcon/audit.jsonl)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand move" -l operator -d 'Who is acting (default $USER)' -r
complete -c redcon -n "__fish_redcon_using_subcommand move" -l to -r
complete -c redcon -n "__fish_redcon_using_subcommand move" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand move" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand move" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand move" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand move" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand move" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand move" -l dry-run -d 'Print the plan and exit 0 safe / 1 degrades / 2 refused / 7 uncertain; send nothing'
complete -c redcon -n "__fish_redcon_using_subcommand move" -l accept-degrade -d 'Carry out a plan that degrades the site'
complete -c redcon -n "__fish_redcon_using_subcommand move" -l force -d 'Carry out a plan preflight refused (a load or quorum would be lost)'
complete -c redcon -n "__fish_redcon_using_subcommand move" -s y -l yes -d 'Do not ask for confirmation (scripts)'
complete -c redcon -n "__fish_redcon_using_subcommand move" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand audit" -l audit -d 'The log (default $XDG_STATE_HOME/redcon/audit.jsonl)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand audit" -l since -d 'Only records from this many hours ago on' -r
complete -c redcon -n "__fish_redcon_using_subcommand audit" -l format -r -f -a "text\t''
json\t''"
complete -c redcon -n "__fish_redcon_using_subcommand audit" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand audit" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand audit" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand audit" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand audit" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand audit" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand audit" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -l listen -r
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -l audit -d 'Audit log to read maintenance left in place from (default $XDG_STATE_HOME/redcon/audit.jsonl when it exists)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -l maintenance-age -d 'Maintenance started through redcon and older than this is a problem' -r
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand exporter" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l scenario -d 'Scenario timeline (RON): faults applied at given times' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l listen -r
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l tokens -d 'Token file (`read`/`operate` tokens) enabling POST .../v1/ops; without it operations are refused' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l audit -d 'Where the simulated agents audit the operations they receive (JSON lines)' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand sim" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand sim" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand completions" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand completions" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand completions" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand completions" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand completions" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand completions" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand completions" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand man" -l dir -r -F
complete -c redcon -n "__fish_redcon_using_subcommand man" -l site -d 'Site file (RON). Without it: the config\'s site, else the embedded demo site' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand man" -l live -d 'Live-state overlay (RON) instead of polling agents' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand man" -l config -d 'Console config (RON); default $XDG_CONFIG_HOME/redcon/config.ron when it exists' -r -F
complete -c redcon -n "__fish_redcon_using_subcommand man" -l site-name -d 'Which configured site (default: the first)' -r
complete -c redcon -n "__fish_redcon_using_subcommand man" -l theme -d 'Console and wallboard theme: default, 16-colour, mono, or themes/NAME.ron in the config dir. NO_COLOR forces mono' -r
complete -c redcon -n "__fish_redcon_using_subcommand man" -l timeout -d 'Deadline for polling every agent once, seconds' -r
complete -c redcon -n "__fish_redcon_using_subcommand man" -s h -l help -d 'Print help'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "status" -d 'One-shot check: monitoring-plugins line or JSON, exit 0/1/2/3'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "explain" -d 'Per subsystem: tier, redundancy label, what blocks the next tier, and the SPOFs. Exits 0 whenever it could explain'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "agent" -d 'Serve this host\'s live state over the agent API (v1)'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "wallboard" -d 'Read-only wallboard for a NOC wall: tier badge, tiles, findings, rotating pages'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "keys" -d 'Print the console\'s key bindings in effect (keymap.ron applied) and the wallboard\'s'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "drain" -d 'Take a unit out of service for maintenance, after a preflight (see docs/operations.md)'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "standby" -d 'Put a cluster node into standby (it keeps its quorum vote), after a preflight'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "undrain" -d 'Return a unit to service'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "failover" -d 'Fail a VRRP group or active-backup bond over to member --to, or a UPS to its bypass'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "move" -d 'Move a cluster resource to node --to'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "audit" -d 'Print the operations audit log'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "exporter" -d 'Poll one site\'s agents and serve its verdict as OpenMetrics at /metrics, for Prometheus (docs/prometheus.md). Without --config: the embedded demo site'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "sim" -d 'Serve a simulated site (default: the demo) behind the agent API, with fault injection'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "completions" -d 'Print the completion script for a shell, e.g. `redcon completions bash > ~/.local/share/bash-completion/completions/redcon`'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "man" -d 'Print the manual page redcon(1); with --dir, write it and one page per subcommand (redcon-status(1), ...) there'
complete -c redcon -n "__fish_redcon_using_subcommand help; and not __fish_seen_subcommand_from status explain agent wallboard keys drain standby undrain failover move audit exporter sim completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'

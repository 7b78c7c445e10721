# help.awk prints `make help`: the targets (lines `target: ... ## text`), under each the variables it
# takes, then every variable with its default. A variable is documented by a line
#   #? NAME [target ...]: what it is
# right above its `NAME ?= default` (or alone, when it has no default). A target takes the documented
# variables its recipe names as $(NAME), plus the targets listed in brackets (variables the target
# reads through the environment or through another variable, which its recipe text does not show).
# awk rather than a Go tool: `make help` must answer before any Go module is downloaded.

function addvar(t, v) {
	if (index(" " tvars[t] " ", " " v " ") == 0) tvars[t] = tvars[t] (tvars[t] == "" ? "" : " ") v
}

/^#\? / {
	line = substr($0, 4)
	name = line; sub(/[ :\[].*/, "", name)
	rest = substr(line, length(name) + 1)
	targets = ""
	if (rest ~ /^ *\[/) {
		targets = rest; sub(/^ *\[/, "", targets); sub(/\].*/, "", targets)
		sub(/^[^\]]*\]/, "", rest)
	}
	sub(/^ *: */, "", rest)
	vdoc[name] = rest; vtargets[name] = targets
	vorder[++nv] = name
	pending = name
	next
}
pending != "" {
	if ($0 ~ "^" pending " [?]= ") { d = $0; sub("^" pending " [?]= ", "", d); vdef[pending] = d }
	pending = ""
}
/^[a-zA-Z0-9_-]+:.*## / {
	cur = $0; sub(/:.*/, "", cur)
	desc = $0; sub(/^[^#]*## /, "", desc)
	tdoc[cur] = desc; torder[++nt] = cur
	next
}
/^[^\t]/ { cur = "" }
/^\t/ && cur != "" { recipe[cur] = recipe[cur] " " $0 }

END {
	for (i = 1; i <= nv; i++) {
		v = vorder[i]
		n = split(vtargets[v], ts, " ")
		for (j = 1; j <= n; j++) addvar(ts[j], v)
	}
	print "Targets (make TARGET [VAR=value ...]):"
	for (i = 1; i <= nt; i++) {
		t = torder[i]
		for (j = 1; j <= nv; j++) if (index(recipe[t], "$(" vorder[j] ")")) addvar(t, vorder[j])
		printf "  make %-15s %s\n", t, tdoc[t]
		if (tvars[t] != "") printf "  %-20s takes: %s\n", "", tvars[t]
	}
	print ""
	print "Variables (default in brackets):"
	for (i = 1; i <= nv; i++) {
		v = vorder[i]
		printf "  %-17s %s [%s]\n", v, vdoc[v], (v in vdef && vdef[v] != "") ? vdef[v] : "none"
	}
}

#!/usr/bin/env bash
# Rebuilds the demo newsroom's quote records (translations/sheinbaum-trump-call/)
# with verbatim itself: a translator records every quotation of
# articles/sheinbaum-trump-call.md, and an editor approves them.
#
# The Spanish originals are reconstructed by the verbatim team from the
# English report (the founding story in ../shared/seed/); each record's
# source says so. Run from the repository root on a clean work tree:
#   scripts/make-demo-newsroom.sh [path/to/verbatim]
set -euo pipefail
V=${1:-target/release/verbatim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
person() { # HOME for one identity
  mkdir -p "$work/$1"
  printf '[user]\n\tname = %s\n\temail = %s\n' "$2" "$3" > "$work/$1/.gitconfig"
}
person ana "Ana Traductora" "ana@newsroom.example"
person eva "Eva Editora" "eva@newsroom.example"
as() { local who=$1; shift; HOME="$work/$who" GIT_CONFIG_NOSYSTEM=1 "$V" "$@"; }

export VERBATIM_NOW=2026-01-13T16:00:00Z
as ana init -q
slug=sheinbaum-trump-call
presser="Morning press conference, Palacio Nacional, Mexico City (Spanish reconstructed by the verbatim team from the English report)"
post="Statement posted online by Claudia Sheinbaum after the call (Spanish reconstructed by the verbatim team from the English report)"
note="first translation; the Spanish is a reconstruction, not a transcript"

add() { # id original translation source date
  as ana add "$slug/$1" -q --speaker "Claudia Sheinbaum" --original "$2" --translation "$3" \
    --source "$4" --said-on "$5" --note "$note"
}
add cordial "Fue una conversación cordial." "It was a cordial conversation." "$post" 2026-01-12
add comunicado \
  "Tuvimos una conversación sobre seguridad con respeto a nuestras soberanías, sobre reducir el tráfico de drogas, el comercio y la inversión. Seguiremos colaborando en un marco de respeto mutuo, que siempre da resultados." \
  "We had a conversation about security with respect for our national sovereignties, about reducing drug trafficking, trade and investment. We will keep collaborating under a framework of mutual respect, that will always lead to results." \
  "$post" 2026-01-12
add mas-participacion \
  "En tres ocasiones recientes el presidente Trump ha dicho que quería tener más participación en la seguridad de México." \
  "On three recent occasions President Trump has said that he wanted to have more participation in México's security." \
  "$presser" 2026-01-13
add buscar-conversacion "En estas condiciones, siempre es mejor buscar una conversación." \
  "Under these conditions, it is always better to look for a conversation." "$presser" 2026-01-13
add no-necesario \
  "Él siempre insiste en la participación de fuerzas militares de Estados Unidos, y yo le respondo que no es necesario." \
  "He always insists in the participation of U.S. military forces, and my answer is that it is not necessary." \
  "$presser" 2026-01-13
add esta-funcionando \
  "Le recordé que la colaboración está funcionando, por lo que la participación militar de Estados Unidos es innecesaria." \
  "I reminded him that the collaboration is working, so U.S. military participation is unnecessary." \
  "$presser" 2026-01-13
add descartada "Creo que eso quedó descartado." "I believe that has been ruled out." "$presser" 2026-01-13
add no-coincidimos \
  "No coincidimos, porque llamarlo terrorismo implica una intervención estadounidense en México." \
  "We disagreed, because calling it terrorism implies an American intervention of México." \
  "$presser" 2026-01-13
add rechaza-intervencion \
  "El Estado mexicano rechaza cualquier forma de intervención extranjera." \
  "The Mexican state rejects any form of foreign intervention." \
  "Mexican Constitution, as cited by Sheinbaum at the morning press conference (Spanish reconstructed by the verbatim team)" 2026-01-13
add vecinos \
  "Somos vecinos y socios comerciales, y vamos a mantener abierto el diálogo." \
  "We are neighbors and commercial partners, and we will keep the dialogue open." \
  "$presser" 2026-01-13
as ana add "$slug/democrats-letter" -q --original-lang en \
  --speaker "72 Democratic members of the U.S. House of Representatives" \
  --original "Unilateral action against Mexico would destroy trust, eviscerate cooperation with Mexican authorities, and make it harder to keep drugs out of our country." \
  --source "Letter to Secretary of State Marco Rubio (wording around the quoted words reconstructed)" \
  --note "English original"
as ana add "$slug/state-department" -q --original-lang en \
  --speaker "Tommy Pigott, Principal Deputy Spokesperson, U.S. Department of State" \
  --original "Secretary Rubio reaffirmed the United States's commitment to stopping narcoterrorism and stressed the need for tangible results to protect our homeland and hemisphere." \
  --source "State Department readout of Rubio's call with Foreign Minister Juan Ramón de la Fuente" \
  --said-on 2026-01-12 --note "English original"

# A revision with a note, as translators make them.
as ana revise "$slug/no-necesario" -q \
  --translation "He always insists in the participation of U.S. military forces, and my answer to him is that it is not necessary." \
  --note "'le respondo' is addressed to Trump: keep 'to him'"

export VERBATIM_NOW=2026-01-13T18:00:00Z
for id in $(ls "translations/$slug" | sed 's/\.toml$//'); do
  as eva approve "$slug/$id" -q --comment "checked against the Spanish"
done

# The editor publishes the article: publications/<slug>/1.toml and the tag published/<slug>/1.
export VERBATIM_NOW=2026-01-13T20:00:00Z
as eva publish "$slug" -q

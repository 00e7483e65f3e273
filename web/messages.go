package web

// The dashboard's words live in the locale catalogs (locale/catalog/*.toml),
// in the tables whose names start with web_: web_nav, web_common,
// web_errors, web_flash (the notices after an action, ?done=KEY names
// web_flash.KEY), web_home, web_alerts, web_groups, web_details, web_me,
// web_settings, web_audit and web_lang. Templates print them with
// {{t "web_x.key" "Name" value}}; handlers with v.lang.T(locale.WebXKey).

"""Fixed lists for the people generators: IANA time zones by country (not read from the host's
tzdata, which varies between machines) and the small vocabularies of ``bio``."""

from __future__ import annotations

#: IANA zones by ISO country code, for the countries of Faker's locales (first: the most used)
ZONES = {
    "US": ["America/New_York", "America/Chicago", "America/Los_Angeles", "America/Denver",
           "America/Phoenix", "America/Anchorage", "Pacific/Honolulu"],
    "CA": ["America/Toronto", "America/Vancouver", "America/Edmonton", "America/Winnipeg",
           "America/Halifax", "America/St_Johns"],
    "MX": ["America/Mexico_City", "America/Monterrey", "America/Tijuana", "America/Cancun"],
    "BR": ["America/Sao_Paulo", "America/Bahia", "America/Fortaleza", "America/Manaus",
           "America/Recife", "America/Belem"],
    "AR": ["America/Argentina/Buenos_Aires", "America/Argentina/Cordoba"],
    "CL": ["America/Santiago", "Pacific/Easter"], "CO": ["America/Bogota"], "PE": ["America/Lima"],
    "GB": ["Europe/London"], "IE": ["Europe/Dublin"], "FR": ["Europe/Paris"],
    "DE": ["Europe/Berlin"], "AT": ["Europe/Vienna"], "CH": ["Europe/Zurich"],
    "ES": ["Europe/Madrid", "Atlantic/Canary"], "PT": ["Europe/Lisbon", "Atlantic/Azores"],
    "IT": ["Europe/Rome"], "NL": ["Europe/Amsterdam"], "BE": ["Europe/Brussels"],
    "DK": ["Europe/Copenhagen"], "NO": ["Europe/Oslo"], "SE": ["Europe/Stockholm"],
    "FI": ["Europe/Helsinki"], "EE": ["Europe/Tallinn"], "LV": ["Europe/Riga"],
    "LT": ["Europe/Vilnius"], "PL": ["Europe/Warsaw"], "CZ": ["Europe/Prague"],
    "SK": ["Europe/Bratislava"], "HU": ["Europe/Budapest"], "SI": ["Europe/Ljubljana"],
    "HR": ["Europe/Zagreb"], "BA": ["Europe/Sarajevo"], "RO": ["Europe/Bucharest"],
    "BG": ["Europe/Sofia"], "GR": ["Europe/Athens"], "CY": ["Asia/Nicosia"],
    "MK": ["Europe/Skopje"], "RS": ["Europe/Belgrade"], "UA": ["Europe/Kyiv"],
    "RU": ["Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Europe/Samara",
           "Asia/Krasnoyarsk", "Asia/Vladivostok", "Europe/Kaliningrad"],
    "TR": ["Europe/Istanbul"], "AM": ["Asia/Yerevan"], "AZ": ["Asia/Baku"],
    "GE": ["Asia/Tbilisi"], "IL": ["Asia/Jerusalem"], "PS": ["Asia/Gaza", "Asia/Hebron"],
    "JO": ["Asia/Amman"], "SA": ["Asia/Riyadh"], "AE": ["Asia/Dubai"], "EG": ["Africa/Cairo"],
    "DZ": ["Africa/Algiers"], "IR": ["Asia/Tehran"], "IN": ["Asia/Kolkata"],
    "NP": ["Asia/Kathmandu"], "BD": ["Asia/Dhaka"], "LK": ["Asia/Colombo"],
    "TH": ["Asia/Bangkok"], "VN": ["Asia/Ho_Chi_Minh"], "ID": ["Asia/Jakarta", "Asia/Makassar"],
    "PH": ["Asia/Manila"], "CN": ["Asia/Shanghai", "Asia/Urumqi"], "TW": ["Asia/Taipei"],
    "JP": ["Asia/Tokyo"], "KR": ["Asia/Seoul"], "NZ": ["Pacific/Auckland"],
    "AU": ["Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Perth",
           "Australia/Adelaide"],
    "GH": ["Africa/Accra"], "KE": ["Africa/Nairobi"], "NG": ["Africa/Lagos"],
    "ZA": ["Africa/Johannesburg"], "TZ": ["Africa/Dar_es_Salaam"],
}  # fmt: skip
#: zones of people living elsewhere than the dataset's country
WORLD = ["UTC", "America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Paris",
         "Europe/Berlin", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata", "Asia/Singapore",
         "Australia/Sydney", "America/Sao_Paulo", "Africa/Lagos", "Asia/Dubai"]  # fmt: skip
#: locales other people of the dataset use (BCP 47 tags)
WORLD_LOCALES = ["en-US", "en-GB", "es-ES", "fr-FR", "de-DE", "pt-BR", "it-IT", "ja-JP",
                 "zh-CN", "ru-RU", "nl-NL", "pl-PL", "ko-KR", "tr-TR", "sv-SE"]  # fmt: skip

BIO_PLACES = ["{job} in {city}.", "{job} based in {city}.", "{job} from {city}.", "{job}."]
HOBBIES = ["hiking", "coffee", "cycling", "photography", "cooking", "chess", "running",
           "jazz", "gardening", "climbing", "board games", "travel", "reading", "yoga",
           "baking", "film", "football", "sailing", "painting", "podcasts"]  # fmt: skip
BIO_LIKES = ["Loves {a} and {b}.", "Into {a}.", "Enjoys {a} and {b}.", "{A} enthusiast.",
             "Weekends are for {a}.", ""]  # fmt: skip

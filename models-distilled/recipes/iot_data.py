"""Deterministic synthetic IoT dataset for EdgeLLM's default model.

Two device tasks, both as chat turns (user -> assistant):
  * command:   a natural-language device command -> one compact JSON action
               {"device": ..., "action": ..., "zone": ..., "at": ...}
  * telemetry: a sensor reading -> a one-line status "<severity>: <sensor> <reason>",
               severity one of ok / warn / alarm.

Everything is drawn from a seeded random.Random, so the same seed gives the same data byte for byte.
The held-out split is drawn with a different seed and every held-out input is checked to be absent from
the training inputs.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass

# ----------------------------------------------------------------------------------------------
# Commands
# ----------------------------------------------------------------------------------------------

# canonical device -> (phrases, actions it accepts)
DEVICES: dict[str, tuple[list[str], list[str]]] = {
    "light": (["light", "lights", "lamp", "lamps", "ceiling light", "led strip", "bulbs"], ["on", "off", "dim", "brighten"]),
    "thermostat": (["thermostat", "heating", "temperature"], ["set"]),
    "fan": (["fan", "ceiling fan"], ["on", "off", "speed"]),
    "ac": (["ac", "air conditioner", "air conditioning", "a/c", "aircon"], ["on", "off", "set"]),
    "heater": (["heater", "space heater", "radiator"], ["on", "off"]),
    "blinds": (["blinds", "shades", "curtains", "shutters"], ["open", "close", "position"]),
    "lock": (["door lock", "lock", "front door", "back door"], ["lock", "unlock"]),
    "garage_door": (["garage door"], ["open", "close"]),
    "sprinkler": (["sprinkler", "sprinklers", "irrigation"], ["start", "stop"]),
    "camera": (["camera", "security camera", "cam"], ["on", "off", "record"]),
    "speaker": (["speaker", "music", "radio"], ["play", "stop", "volume"]),
    "tv": (["tv", "television"], ["on", "off"]),
    "oven": (["oven"], ["on", "off", "preheat"]),
    "coffee_maker": (["coffee maker", "coffee machine", "espresso machine"], ["start", "stop"]),
    "washer": (["washer", "washing machine"], ["start", "stop"]),
    "dehumidifier": (["dehumidifier"], ["on", "off"]),
    "humidifier": (["humidifier"], ["on", "off"]),
    "purifier": (["air purifier", "purifier"], ["on", "off", "speed"]),
    "alarm": (["alarm", "security system", "alarm system"], ["arm", "disarm"]),
    "plug": (["smart plug", "plug", "outlet", "socket"], ["on", "off"]),
    "vacuum": (["vacuum", "robot vacuum", "roomba"], ["start", "stop", "dock"]),
}

ZONES: dict[str, list[str]] = {
    "kitchen": ["kitchen"],
    "living_room": ["living room", "lounge", "family room"],
    "bedroom": ["bedroom"],
    "master_bedroom": ["master bedroom", "main bedroom"],
    "kids_room": ["kids room", "nursery"],
    "bathroom": ["bathroom"],
    "office": ["office", "study"],
    "garage": ["garage"],
    "garden": ["garden", "backyard", "yard"],
    "hallway": ["hallway", "hall", "corridor"],
    "basement": ["basement", "cellar"],
    "patio": ["patio", "terrace", "deck"],
    "dining_room": ["dining room"],
    "laundry": ["laundry room", "utility room"],
    "attic": ["attic"],
    "guest_room": ["guest room"],
}

# action -> phrase templates; {d} is the device phrase, {n} a number, {t} a temperature with unit
ACTION_PHRASES: dict[str, list[str]] = {
    "on": ["turn on the {d}", "switch on the {d}", "turn the {d} on", "{d} on", "power up the {d}",
           "activate the {d}", "enable the {d}", "put the {d} on", "switch the {d} on"],
    "off": ["turn off the {d}", "switch off the {d}", "turn the {d} off", "{d} off", "shut off the {d}",
            "power down the {d}", "deactivate the {d}", "kill the {d}", "disable the {d}"],
    "dim": ["dim the {d} to {n}%", "set the {d} to {n} percent", "{d} at {n}%", "dim the {d} to {n} percent",
            "set {d} brightness to {n}%"],
    "brighten": ["brighten the {d}", "make the {d} brighter", "turn up the {d}", "{d} brighter"],
    "set": ["set the {d} to {t}", "change the {d} to {t}", "{d} to {t}", "make the {d} {t}",
            "put the {d} at {t}", "adjust the {d} to {t}"],
    "speed": ["set the {d} to speed {n}", "{d} speed {n}", "{d} on level {n}", "put the {d} on speed {n}"],
    "open": ["open the {d}", "raise the {d}", "{d} open", "open up the {d}"],
    "close": ["close the {d}", "lower the {d}", "{d} closed", "shut the {d}"],
    "position": ["set the {d} to {n}%", "open the {d} to {n} percent", "{d} at {n}%"],
    "lock": ["lock the {d}", "{d} lock", "secure the {d}", "make sure the {d} is locked"],
    "unlock": ["unlock the {d}", "{d} unlock", "open the lock on the {d}"],
    "start": ["start the {d}", "run the {d}", "kick off the {d}", "{d} start", "turn on the {d}"],
    "stop": ["stop the {d}", "halt the {d}", "{d} stop", "turn off the {d}"],
    "record": ["start recording on the {d}", "record with the {d}", "{d} record"],
    "play": ["play the {d}", "play some {d}", "{d} play", "start the {d}"],
    "volume": ["set the {d} volume to {n}", "{d} volume {n}", "volume of the {d} to {n}"],
    "preheat": ["preheat the {d} to {t}", "heat the {d} to {t}", "{d} preheat {t}"],
    "arm": ["arm the {d}", "{d} arm", "activate the {d}", "set the {d}"],
    "disarm": ["disarm the {d}", "{d} disarm", "turn off the {d}", "deactivate the {d}"],
    "dock": ["dock the {d}", "send the {d} home", "{d} dock", "return the {d} to base"],
}

# Device-specific verbs that would be ambiguous for others ("turn on the alarm" means arm).
AMBIGUOUS_FOR = {"alarm": {"activate the {d}", "turn off the {d}", "deactivate the {d}", "set the {d}"}}

FILLERS_BEFORE = ["", "", "", "", "please ", "hey edge, ", "could you ", "can you ", "i'd like you to ",
                  "kindly ", "ok, ", "yo ", "would you "]
FILLERS_AFTER = ["", "", "", "", " please", " thanks", "!", ".", " asap", " thank you", " now please"]

SYSTEM_PROMPTS = [
    "You are EdgeLLM, an assistant on an IoT gateway. Answer with a JSON action or a status line.",
    "You control smart-home devices and read sensors.",
    "Turn device commands into JSON actions and sensor readings into status lines.",
    "You are a helpful home automation assistant.",
]


@dataclass(frozen=True)
class Example:
    task: str          # "command" | "telemetry"
    prompt: str        # the user turn
    answer: str        # the assistant turn
    system: str | None
    label: str         # severity for telemetry, device for commands (for stratified reporting)


def _fmt_clock(h: int, m: int) -> str:
    return f"{h:02d}:{m:02d}"


def _time_phrase(r: random.Random) -> tuple[str, str]:
    """Returns (phrase, canonical at)."""
    kind = r.choices(["none", "clock12", "clock24", "relative_m", "relative_h", "tomorrow", "sun", "named", "now"],
                     weights=[30, 18, 10, 10, 6, 8, 6, 4, 8])[0]
    if kind == "none":
        return "", "now"
    if kind == "now":
        return r.choice(["now", "right now", "immediately", "straight away"]), "now"
    if kind == "clock12":
        h12 = r.randint(1, 12)
        m = r.choice([0, 0, 0, 15, 30, 45, 5, 10, 20, 40, 50])
        pm = r.random() < 0.5
        h24 = (h12 % 12) + (12 if pm else 0)
        suffix = r.choice(["pm", " pm", "p.m.", " PM"]) if pm else r.choice(["am", " am", "a.m.", " AM"])
        body = f"{h12}{suffix}" if m == 0 and r.random() < 0.7 else f"{h12}:{m:02d}{suffix}"
        return f"at {body}", _fmt_clock(h24, m)
    if kind == "clock24":
        h, m = r.randint(0, 23), r.choice([0, 15, 30, 45, 10, 25, 55])
        return f"at {h:02d}:{m:02d}" if r.random() < 0.7 else f"at {h}:{m:02d}", _fmt_clock(h, m)
    if kind == "relative_m":
        n = r.choice([1, 2, 5, 10, 15, 20, 25, 30, 40, 45, 90])
        unit = r.choice(["minutes", "minutes", "min", "mins"]) if n != 1 else r.choice(["minute", "min"])
        return f"in {n} {unit}", f"+{n}m"
    if kind == "relative_h":
        n = r.choice([1, 2, 3, 4, 6, 8, 12])
        unit = r.choice(["hours", "hrs", "h"]) if n != 1 else r.choice(["hour", "hr"])
        return f"in {n} {unit}", f"+{n}h"
    if kind == "tomorrow":
        part = r.choice(["morning", "evening", ""])
        if part == "morning":
            h = r.randint(5, 11)
            return r.choice([f"tomorrow morning at {h}", f"tomorrow at {h}am", f"tomorrow at {h} am"]), f"tomorrow {_fmt_clock(h, 0)}"
        if part == "evening":
            h = r.randint(6, 11)
            return r.choice([f"tomorrow evening at {h}", f"tomorrow at {h}pm"]), f"tomorrow {_fmt_clock(h + 12, 0)}"
        h = r.randint(0, 23)
        return f"tomorrow at {h:02d}:00", f"tomorrow {_fmt_clock(h, 0)}"
    if kind == "sun":
        word, canon = r.choice([("sunset", "sunset"), ("sunrise", "sunrise"), ("dusk", "sunset"), ("dawn", "sunrise")])
        return f"at {word}", canon
    word, canon = r.choice([("noon", "12:00"), ("midday", "12:00"), ("midnight", "00:00")])
    return f"at {word}", canon


def _temperature(r: random.Random, device: str) -> tuple[str, str]:
    if device == "oven":
        if r.random() < 0.7:
            v = r.choice(range(150, 260, 5))
            unit, canon = r.choice([("C", "c"), (" °C", "c"), (" degrees", "c"), ("°C", "c"), (" degrees celsius", "c")]), "c"
        else:
            v = r.choice(range(300, 500, 25))
            unit, canon = r.choice([("F", "f"), (" °F", "f"), (" degrees fahrenheit", "f"), ("°F", "f")]), "f"
    elif r.random() < 0.7:
        v = r.choice([16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 19.5, 20.5, 21.5, 22.5, 23.5])
        unit, canon = r.choice([("C", "c"), (" °C", "c"), (" degrees", "c"), ("°C", "c"), (" degrees celsius", "c"), (" deg c", "c")]), "c"
    else:
        v = r.choice(range(60, 81))
        unit, canon = r.choice([("F", "f"), (" °F", "f"), (" degrees fahrenheit", "f"), ("°F", "f"), (" deg f", "f")]), "f"
    text = f"{v}{unit[0]}"
    return text, f"{v}{canon}"


def _typo(r: random.Random, word: str) -> str:
    if len(word) < 4 or any(c.isdigit() for c in word):
        return word
    i = r.randrange(1, len(word) - 1)
    op = r.choice(["drop", "swap", "double", "replace"])
    if op == "drop":
        return word[:i] + word[i + 1:]
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + r.choice("aeioustrnl") + word[i + 1:]


def _add_typos(r: random.Random, text: str) -> str:
    words = text.split(" ")
    for _ in range(r.choice([1, 1, 2])):
        j = r.randrange(len(words))
        words[j] = _typo(r, words[j])
    return " ".join(words)


def _casing(r: random.Random, text: str) -> str:
    x = r.random()
    if x < 0.55:
        return text
    if x < 0.85:
        return text[:1].upper() + text[1:]
    if x < 0.93:
        return text.lower()
    return text.upper()


def make_command(r: random.Random) -> tuple[str, str, str]:
    device = r.choice(list(DEVICES))
    phrases, actions = DEVICES[device]
    action = r.choice(actions)
    dphrase = r.choice(phrases)
    templates = [t for t in ACTION_PHRASES[action] if t not in AMBIGUOUS_FOR.get(device, set()) or action in ("arm", "disarm")]
    template = r.choice(templates)
    canon_action = action
    n_text = ""
    t_text = ""
    if action in ("dim", "position"):
        n = r.choice([5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 15, 35, 45, 65])
        n_text = str(n)
        canon_action = f"{action}_{n}"
    elif action == "speed":
        n = r.randint(1, 5)
        n_text = str(n)
        canon_action = f"speed_{n}"
    elif action == "volume":
        n = r.choice([5, 10, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100])
        n_text = str(n)
        canon_action = f"volume_{n}"
    elif action in ("set", "preheat"):
        t_text, canon = _temperature(r, device)
        canon_action = f"{action}_{canon}"
    zone = None
    zphrase = ""
    if r.random() < 0.75 and device not in ("garage_door",):
        zone = r.choice(list(ZONES))
        zphrase = r.choice(ZONES[zone])
    body = template.format(d=dphrase, n=n_text, t=t_text)
    if zone is not None:
        style = r.random()
        if style < 0.45 and template.count("{d}") == 1 and "the {d}" in template:
            body = body.replace(f"the {dphrase}", f"the {zphrase} {dphrase}", 1)
        elif style < 0.6:
            body = f"{body} for the {zphrase}"
        else:
            body = f"{body} in the {zphrase}"
    tphrase, at = _time_phrase(r)
    if tphrase:
        if r.random() < 0.25:
            body = f"{tphrase}, {body}"
        else:
            body = f"{body} {tphrase}"
    text = r.choice(FILLERS_BEFORE) + body + r.choice(FILLERS_AFTER)
    if r.random() < 0.15:
        text = _add_typos(r, text)
    text = _casing(r, text.strip())
    answer = json.dumps({"device": device, "action": canon_action, "zone": zone, "at": at}, separators=(",", ":"))
    return text, answer, device


# ----------------------------------------------------------------------------------------------
# Telemetry
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    key: str                 # canonical metric name used in the reason
    names: tuple[str, ...]   # how readings spell it
    unit: str                # unit as written in the reason
    unit_spellings: tuple[str, ...]
    warn: float
    alarm: float
    high: bool               # True: above threshold is bad; False: below is bad
    normal: tuple[float, float]
    decimals: int
    bounds: tuple[float, float] = (-1e9, 1e9)  # physically possible range


METRICS = [
    Metric("temperature", ("temp", "temperature", "t"), "C", ("C", "°C", " C", " °C", "degC"), 35, 45, True, (-5, 34.9), 1),
    Metric("temperature", ("temp", "temperature", "t"), "F", ("F", "°F", " F", " °F", "degF"), 95, 113, True, (30, 94.9), 1),
    Metric("humidity", ("humidity", "hum", "rh"), "%", ("%", " %", "%RH"), 70, 85, True, (20, 69.9), 0, (0, 100)),
    Metric("co2", ("co2", "CO2", "carbon dioxide"), "ppm", ("ppm", " ppm"), 1000, 2000, True, (380, 999), 0),
    Metric("battery", ("battery", "batt", "bat"), "%", ("%", " %"), 20, 5, False, (21, 100), 0, (0, 100)),
    Metric("battery", ("battery", "batt", "vbat"), "V", ("V", " V", "v"), 3.4, 3.2, False, (3.41, 4.2), 2),
    Metric("pressure", ("pressure", "press", "p"), "bar", ("bar", " bar"), 6, 8, True, (0.5, 5.99), 2),
    Metric("pressure", ("pressure", "press", "p"), "psi", ("psi", " psi"), 87, 116, True, (10, 86.9), 1),
    Metric("vibration", ("vibration", "vib", "rms"), "mm/s", ("mm/s", " mm/s"), 4.5, 7.1, True, (0.1, 4.49), 2),
    Metric("noise", ("noise", "sound", "db"), "dB", ("dB", " dB", "dBA"), 85, 100, True, (30, 84.9), 0),
    Metric("pm2.5", ("pm2.5", "pm25", "PM2.5"), "ug/m3", ("ug/m3", " µg/m³", " ug/m3"), 35, 150, True, (1, 34.9), 0),
    Metric("door open", ("door open", "door_open_min", "door"), "min", ("min", " min", " minutes"), 5, 15, True, (0, 4.9), 0, (0, 1e9)),
]
SEVERITY_RANK = {"ok": 0, "warn": 1, "alarm": 2}

SENSOR_NAMES = ["greenhouse", "boiler", "freezer", "server-room", "pump", "compressor", "barn", "warehouse",
                "cellar", "nursery", "lab", "tank", "hvac", "office", "kiln", "hive", "motor", "fridge", "gate", "dock"]


def _severity(m: Metric, v: float) -> str:
    if m.high:
        return "alarm" if v >= m.alarm else "warn" if v >= m.warn else "ok"
    return "alarm" if v <= m.alarm else "warn" if v <= m.warn else "ok"


def _sample_value(r: random.Random, m: Metric, target: str) -> float:
    lo, hi = m.normal
    span = abs(m.alarm - m.warn)
    if target == "ok":
        v = r.uniform(lo, hi)
    elif target == "warn":
        v = r.uniform(m.warn, m.alarm) if m.high else r.uniform(m.alarm, m.warn)
    else:
        v = r.uniform(m.alarm, m.alarm + 2 * span) if m.high else r.uniform(max(0.0, m.alarm - 2 * span), m.alarm)
    if r.random() < 0.2:  # hug a threshold: the hard cases
        edge = r.choice([m.warn, m.alarm])
        v = edge + r.uniform(-0.05, 0.05) * max(1.0, span)
    v = min(max(v, m.bounds[0]), m.bounds[1])
    v = round(v, m.decimals)
    return float(int(v)) if m.decimals == 0 else v


def _fmt_value(m: Metric, v: float) -> str:
    """Natural precision: 41.20 -> "41.2", 3.0 -> "3"; the reason repeats the reading exactly as written."""
    if m.decimals == 0:
        return f"{int(v)}"
    return f"{v:.{m.decimals}f}".rstrip("0").rstrip(".")


def make_telemetry(r: random.Random) -> tuple[str, str, str]:
    sensor = f"{r.choice(SENSOR_NAMES)}-{r.randint(1, 12)}"
    n = r.choice([1, 2, 2, 3, 3, 4])
    chosen: list[Metric] = []
    used_keys: set[str] = set()
    while len(chosen) < n:
        m = r.choice(METRICS)
        if m.key in used_keys:
            continue
        used_keys.add(m.key)
        chosen.append(m)
    readings = []
    for m in chosen:
        target = r.choices(["ok", "warn", "alarm"], weights=[70, 18, 12])[0]
        readings.append((m, _sample_value(r, m, target)))
    flags = []
    if r.random() < 0.08:
        flags.append(("smoke", r.random() < 0.5))
    if r.random() < 0.08:
        flags.append(("leak", r.random() < 0.5))

    # the worst reading decides; ties go to the first listed
    worst = ("ok", "all readings normal")
    for m, v in readings:
        sev = _severity(m, v)
        if SEVERITY_RANK[sev] > SEVERITY_RANK[worst[0]]:
            thr = m.alarm if sev == "alarm" else m.warn
            worst = (sev, f"{m.key} {_fmt_value(m, v)}{m.unit}, limit {_fmt_num(thr)}{m.unit}")
    for name, on in flags:
        if on and SEVERITY_RANK["alarm"] > SEVERITY_RANK[worst[0]]:
            worst = ("alarm", "smoke detected" if name == "smoke" else "water leak detected")

    style = r.choice(["kv", "kv", "json", "prose", "csv"])
    parts = []
    for m, v in readings:
        name = r.choice(m.names)
        unit = r.choice(m.unit_spellings)
        val = _fmt_value(m, v)
        if style == "kv":
            parts.append(f"{name.replace(' ', '_')}={val}{unit.strip()}")
        elif style == "json":
            parts.append(f'"{name.replace(" ", "_")}":"{val}{unit.strip()}"')
        elif style == "prose":
            parts.append(f"{name} {val}{unit}")
        else:
            parts.append(f"{name} {val}{unit.strip()}")
    for name, on in flags:
        word = {"smoke": ("smoke", "yes" if on else "no"), "leak": ("leak", "wet" if on else "dry")}[name]
        if style == "json":
            parts.append(f'"{word[0]}":"{word[1]}"')
        elif style == "kv":
            parts.append(f"{word[0]}={word[1]}")
        else:
            parts.append(f"{word[0]} {word[1]}")
    if style == "kv":
        text = f"sensor={sensor} " + " ".join(parts)
    elif style == "json":
        text = '{"sensor":"' + sensor + '",' + ",".join(parts) + "}"
    elif style == "prose":
        text = f"{sensor} reports " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    else:
        text = f"{sensor}, " + ", ".join(parts)
    if r.random() < 0.3:
        text = r.choice(["reading: ", "telemetry: ", "status? ", "check: ", "sensor update: "]) + text
    answer = f"{worst[0]}: {sensor} {worst[1]}"
    return text, answer, worst[0]


def _fmt_num(x: float) -> str:
    return f"{x:g}"


# ----------------------------------------------------------------------------------------------
# Splits
# ----------------------------------------------------------------------------------------------

def generate(seed: int, n_command: int, n_telemetry: int, exclude: set[str] | None = None) -> list[Example]:
    r = random.Random(seed)
    out: list[Example] = []
    seen: set[str] = set(exclude or ())
    for task, count, make in (("command", n_command, make_command), ("telemetry", n_telemetry, make_telemetry)):
        made = 0
        while made < count:
            p, a, label = make(r)
            if p in seen:
                continue
            seen.add(p)
            out.append(Example(task, p, a, _system(r), label))
            made += 1
    r.shuffle(out)
    return out


def _system(r: random.Random) -> str | None:
    return r.choice(SYSTEM_PROMPTS) if r.random() < 0.35 else None


def make_splits(seed: int = 1234, n_train: int = 40000, n_heldout: int = 1000) -> tuple[list[Example], list[Example]]:
    """Held-out first (its own seed), then training drawn excluding every held-out input."""
    heldout = generate(seed + 1, n_heldout, n_heldout)
    train = generate(seed, n_train, n_train, exclude={e.prompt for e in heldout})
    assert not ({e.prompt for e in train} & {e.prompt for e in heldout})
    return train, heldout


def to_messages(e: Example) -> list[dict]:
    msgs = [] if e.system is None else [{"role": "system", "content": e.system}]
    return msgs + [{"role": "user", "content": e.prompt}]


if __name__ == "__main__":
    tr, ho = make_splits(n_train=20, n_heldout=10)
    for e in tr[:20]:
        print(f"[{e.task}] {e.prompt!r}\n    -> {e.answer}")

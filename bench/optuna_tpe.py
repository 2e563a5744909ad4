"""Optuna's default TPE on the six benchmark objectives (shared/bench/FUNCTIONS.md), sequential, same budgets and
seeds as the Sweeps search bench. Prints JSON: [{function, method, budget, median, q1, q3}]."""
import json
import math
import sys

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)

A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
ALPHA = [1.0, 1.2, 3.0, 3.2]


def branin(t):
    x0, x1 = t.suggest_float("x0", -5, 10), t.suggest_float("x1", 0, 15)
    b, c, r, s, tt = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
    inner = x1 - b * x0 * x0 + c * x0 - r
    return inner * inner + s * (1 - tt) * math.cos(x0) + s


def hartmann6(t):
    x = [t.suggest_float(f"x{i}", 0, 1) for i in range(6)]
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6))) for i in range(4))


def rosenbrock4(t):
    x = [t.suggest_float(f"x{i}", -5, 10) for i in range(4)]
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (x[i] - 1) ** 2 for i in range(3))


def ackley5(t):
    x = [t.suggest_float(f"x{i}", -32.768, 32.768) for i in range(5)]
    return -20 * math.exp(-0.2 * math.sqrt(sum(v * v for v in x) / 5)) - math.exp(sum(math.cos(2 * math.pi * v) for v in x) / 5) + 20 + math.e


def levy4(t):
    x = [t.suggest_float(f"x{i}", -10, 10) for i in range(4)]
    w = [1 + (v - 1) / 4 for v in x]
    s = sum((w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2) for i in range(3))
    return math.sin(math.pi * w[0]) ** 2 + s + (w[3] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[3]) ** 2)


def ml_mixed(t):
    bs = t.suggest_categorical("batch_size", [16, 32, 64, 128])
    dropout = t.suggest_float("dropout", 0, 0.5)
    layers = t.suggest_int("layers", 1, 6)
    lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
    opt = t.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    c, base = {"adam": (-3.0, 0.0), "rmsprop": (-3.3, 0.03), "sgd": (-1.7, 0.06)}[opt]
    b = math.log2(bs / 32)
    u = math.log10(lr)
    return 0.1 + base + 0.25 * (u - (c + 0.15 * b)) ** 2 + 2 * (dropout - 0.05 * (layers + 1)) ** 2 + 0.02 * (layers - 4) ** 2 + 0.03 * (b - 1) ** 2


def near_bound3(t):
    return sum((t.suggest_float(f"x{i}", 0, 0.99) - 0.9) ** 2 for i in range(3))


FUNCTIONS = [("branin", branin, 0.39788735772973816), ("hartmann6", hartmann6, -3.322368011415515),
             ("rosenbrock4", rosenbrock4, 0.0), ("ackley5", ackley5, 0.0), ("levy4", levy4, 0.0), ("ml_mixed", ml_mixed, 0.1),
             ("near_bound3", near_bound3, 0.0)]


def on_bound(trial):
    """A float parameter of the trial within 1e-9 of its low or high (the search bench's rule)."""
    return any(isinstance(d, optuna.distributions.FloatDistribution) and not d.log
               and (abs(trial.params[k] - d.low) <= 1e-9 or abs(trial.params[k] - d.high) <= 1e-9)
               for k, d in trial.distributions.items())


def concurrent(seeds, budget, agents):
    """TPE with constant_liar, k trials outstanding at every ask (the search bench's protocol): the oldest outstanding
    trial is told its value, then a new one is asked while the other k-1 still run."""
    out = []
    for name, f, fmin in FUNCTIONS:
        for k in agents:
            regrets = []
            for seed in range(1, seeds + 1):
                study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed, constant_liar=True))
                outstanding, values = [], []
                while len(values) < budget:
                    while len(outstanding) < k and len(values) + len(outstanding) < budget:
                        trial = study.ask()
                        outstanding.append((trial, f(trial)))  # the parameters are drawn now, with k-1 running
                    trial, value = outstanding.pop(0)
                    study.tell(trial, value)
                    values.append(value)
                regrets.append(min(values) - fmin)
            q1, med, q3 = np.percentile(sorted(regrets), [25, 50, 75])
            out.append({"function": name, "method": "optuna-tpe-cl", "agents": k, "median": med, "q1": q1, "q3": q3})
    return out


def main():
    seeds, budget = int(sys.argv[1]), int(sys.argv[2])
    if len(sys.argv) > 3:  # a comma-separated list of agent counts: the concurrent protocol
        print(json.dumps(concurrent(seeds, budget, [int(k) for k in sys.argv[3].split(",")])))
        return
    out = []
    for name, f, fmin in FUNCTIONS:
        traces, bound = [], 0
        for seed in range(1, seeds + 1):
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
            study.optimize(f, n_trials=budget)
            traces.append([t.value for t in study.trials])
            bound += sum(on_bound(t) for t in study.trials)
        for b in (25, 50, 100):
            if b > budget:
                continue
            regrets = sorted(min(tr[:b]) - fmin for tr in traces)
            q1, med, q3 = np.percentile(regrets, [25, 50, 75])
            out.append({"function": name, "method": "optuna-tpe", "budget": b, "median": med, "q1": q1, "q3": q3,
                        "on_bound": bound / (seeds * budget)})
    print(json.dumps(out))


if __name__ == "__main__":
    main()

# %% [markdown]
# # 연습문제 6 · 선형 분류기 (코드 3-13 ~ 3-21)
#
# 지금까지 배운 텐서, 변수, 그레이디언트 테이프를 모두 모아 처음부터 끝까지 동작하는 작은 모델을
# 만들어 봅니다. 평면 위에 두 무리의 점을 만들고, 두 무리를 가르는 **직선**을 경사 하강법으로
# 찾는 선형 분류기입니다. 케라스 없이 텐서플로의 기본 도구만 사용합니다.
#
# 이 연습에서 구현할 것:
#
# | 함수 | 하는 일 |
# |---|---|
# | `make_dataset(num_samples_per_class, seed)` | 두 클래스의 2D 데이터와 타깃 (3-13 ~ 3-15) |
# | `init_parameters(input_dim, output_dim)` | 가중치 `W`와 편향 `b` 변수 (3-17) |
# | `model(inputs, W, b)` | 정방향 패스 `inputs · W + b` (3-18) |
# | `square_loss(targets, predictions)` | 평균 제곱 오차 손실 (3-19) |
# | `training_step(inputs, targets, W, b, learning_rate)` | 경사 하강법 한 스텝 (3-20) |
# | `fit(inputs, targets, steps, learning_rate)` | 배치 훈련 루프 (3-21) |
# | `decision_boundary(W, b, threshold)` | 결정 경계 직선의 기울기와 절편 |
# | `plot_decision_boundary(inputs, W, b)` | 예측한 클래스와 결정 경계를 그린 그래프 |

# %%
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure

# %% [markdown]
# ## 합성 데이터 만들기 (코드 3-13 ~ 3-15)
#
# 두 클래스는 모두 **다변량 정규 분포**에서 뽑습니다. 평균은 점 구름이 놓이는 자리를, 공분산 행렬은
# 구름의 모양을 결정합니다. 두 클래스에 똑같은 공분산 `[[1, 0.5], [0.5, 1]]`을 쓰고 평균만
# 다르게 하면(클래스 0은 `[0, 3]`, 클래스 1은 `[3, 0]`) 기울어진 타원 두 개가 나란히 생깁니다.
#
# - 클래스 0의 점 N개를 **먼저**, 그다음 클래스 1의 점 N개를 세로로 쌓아 `(2N, 2)` 배열을 만듭니다.
# - 타깃은 같은 순서로 0이 N개, 1이 N개인 `(2N, 1)` 배열입니다.
# - 두 배열 모두 float32 **넘파이 배열**로 반환하세요.
#
# `seed`가 정수이면 같은 seed로 호출할 때마다 같은 데이터가, `None`이면 매번 새로운 데이터가
# 나와야 합니다. `np.random.default_rng(seed)`로 만든 난수 생성기가 딱 이렇게 동작합니다.


# %%
def make_dataset(num_samples_per_class=1000, seed=None):
    """두 클래스의 2D 포인트 (inputs, targets)를 float32 넘파이 배열로 반환합니다."""
    rng = np.random.default_rng(seed)
    cov = [[1, 0.5], [0.5, 1]]
    negative_samples = rng.multivariate_normal(mean=[0, 3], cov=cov, size=num_samples_per_class)
    positive_samples = rng.multivariate_normal(mean=[3, 0], cov=cov, size=num_samples_per_class)
    inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)
    targets = np.vstack(
        (
            np.zeros((num_samples_per_class, 1), dtype="float32"),
            np.ones((num_samples_per_class, 1), dtype="float32"),
        )
    )
    return inputs, targets


# %% [markdown]
# 만든 데이터를 눈으로 확인해 봅시다 (코드 3-16). 타깃 값으로 색을 칠하면 두 점 구름이 보입니다.
#
# ```python
# import matplotlib.pyplot as plt
#
# inputs, targets = make_dataset()
# plt.scatter(inputs[:, 0], inputs[:, 1], c=targets[:, 0])
# plt.show()
# ```
#
# ## 변수 만들기 (코드 3-17)
#
# 선형 분류기는 아핀 변환 하나, 즉 `prediction = inputs · W + b`입니다. 훈련하면서 값이 바뀌어야
# 하므로 `W`와 `b`는 `tf.Variable`로 만듭니다. `W`는 `[0, 1)` 균등 분포의 랜덤한 값으로,
# `b`는 0으로 시작합니다. 입력이 2차원이고 출력이 점수 하나이므로 기본 shape은 `W`가 `(2, 1)`,
# `b`가 `(1,)`입니다.


# %%
def init_parameters(input_dim=2, output_dim=1):
    """(W, b): W는 [0, 1) 균등 분포, b는 0으로 채운 tf.Variable입니다."""
    W = tf.Variable(initial_value=tf.random.uniform(shape=(input_dim, output_dim)))
    b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)))
    return W, b


# %% [markdown]
# ## 정방향 패스 (코드 3-18)
#
# 책에서는 `W`와 `b`를 전역 변수로 두었지만, 여기서는 인자로 받습니다. `tf.matmul`로 입력과 `W`의
# 행렬 곱(점곱)을 구하고 `b`를 더하면 됩니다. `b`는 브로드캐스팅되어 모든 샘플에 더해집니다.
# 입력이 `[x, y]` 한 점이라면 예측은 `w1·x + w2·y + b`라는 숫자 하나가 됩니다.


# %%
def model(inputs, W, b):
    """예측 inputs · W + b를 반환합니다 (shape: (샘플 수, output_dim))."""
    return tf.matmul(inputs, W) + b


# %% [markdown]
# ## 평균 제곱 오차 손실 (코드 3-19)
#
# 샘플마다 타깃과 예측의 차이를 제곱하고(`tf.square`), 그 값들의 **평균**(`tf.reduce_mean`)을
# 손실로 씁니다. 합(`reduce_sum`)을 쓰면 손실과 그레이디언트가 샘플 수만큼 커져서 같은 학습률로는
# 훈련이 발산합니다.


# %%
def square_loss(targets, predictions):
    """타깃과 예측의 차이를 제곱한 값의 평균(스칼라 텐서)을 반환합니다."""
    per_sample_losses = tf.square(targets - predictions)
    return tf.reduce_mean(per_sample_losses)


# %% [markdown]
# ## 훈련 스텝 (코드 3-20)
#
# 한 스텝은 세 부분으로 이루어집니다.
#
# 1. `tf.GradientTape` 블록 안에서 예측을 만들고 손실을 계산합니다 (정방향 패스).
# 2. `tape.gradient(loss, [W, b])`로 두 변수에 대한 손실의 그레이디언트를 구합니다.
# 3. 그레이디언트에 학습률을 곱한 만큼 **빼서** 변수를 업데이트합니다. 그레이디언트는 손실이
#    커지는 방향이므로 반대로 가야 손실이 줄어듭니다. `W = W - ...`처럼 새 텐서를 만들지 말고
#    `assign_sub`로 변수 자체를 바꾸세요.
#
# 반환값은 업데이트하기 **전에** 계산한 손실입니다. 여기서는 미니 배치가 아니라 전체 데이터를 한
# 번에 쓰는 배치 훈련이라 0.1처럼 꽤 큰 학습률도 쓸 수 있습니다.


# %%
def training_step(inputs, targets, W, b, learning_rate=0.1):
    """경사 하강법 한 스텝으로 W와 b를 제자리에서 업데이트하고, 업데이트 전의 손실을 반환합니다."""
    with tf.GradientTape() as tape:
        predictions = model(inputs, W, b)
        loss = square_loss(targets, predictions)
    grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
    W.assign_sub(grad_loss_wrt_W * learning_rate)
    b.assign_sub(grad_loss_wrt_b * learning_rate)
    return loss


# %% [markdown]
# ## 배치 훈련 루프 (코드 3-21)
#
# `init_parameters`로 새 변수를 만든 다음 `training_step`을 `steps`번 반복합니다. 각 스텝의 손실을
# 파이썬 실수(`float(loss)`)로 바꿔 리스트에 모으고, `(W, b, losses)`를 반환하세요. 돌려받은
# `losses`를 출력해서 손실이 스텝마다 줄어드는지 보면 훈련이 잘 되는지 알 수 있습니다.
# 학습률을 0.2 이상으로 올리면 손실이 오히려 커지는(발산하는) 것도 확인해 보세요.


# %%
def fit(inputs, targets, steps=40, learning_rate=0.1):
    """새 파라미터로 steps번 훈련하고 (W, b, 스텝별 손실 리스트)를 반환합니다."""
    W, b = init_parameters(input_dim=2, output_dim=1)
    losses = []
    for _ in range(steps):
        loss = training_step(inputs, targets, W, b, learning_rate)
        losses.append(float(loss))
    return W, b, losses


# %% [markdown]
# ## 결정 경계 (그래프 두 개)
#
# 예측이 0.5보다 크면 클래스 1, 작으면 클래스 0으로 봅니다. 그러면 두 클래스의 경계는
# `w1·x + w2·y + b = 0.5`를 만족하는 점들, 곧 평면 위의 **직선**입니다. 이 식을 `y`에 대해 풀어
# `y = 기울기·x + 절편` 꼴로 바꾸고, `(기울기, 절편)`을 파이썬 실수로 반환하세요. 경곗값은
# `threshold` 인자로 받습니다.


# %%
def decision_boundary(W, b, threshold=0.5):
    """직선 w1·x + w2·y + b = threshold의 (기울기 slope, 절편 intercept)를 반환합니다."""
    w1 = float(W[0, 0])
    w2 = float(W[1, 0])
    bias = float(b[0])
    slope = -w1 / w2
    intercept = (threshold - bias) / w2
    return slope, intercept


# %% [markdown]
# 마지막으로 훈련한 모델이 점들을 어떻게 나누는지 그립니다. 점마다 예측한 클래스
# (`예측 > 0.5`)로 색을 칠한 산점도와, 그 위에 결정 경계 직선을 함께 그린 `Figure`를 반환하세요.
#
# - `matplotlib.figure.Figure()`(또는 `plt.subplots()`)로 그림을 만들고, 그 그림을
#   **반환**합니다. `plt.show()`는 호출하지 마세요.
# - 산점도에는 `inputs`의 모든 점을 그대로 넣습니다.
# - matplotlib 기본 글꼴에는 한글이 없으니 축 이름이나 제목은 영어나 수식으로 쓰세요.
# - `inputs`는 넘파이 배열일 수도, 텐서일 수도 있습니다. `np.asarray(inputs)`로 바꾸면 둘 다
#   똑같이 다룰 수 있습니다.
#
# ```python
# inputs, targets = make_dataset()
# W, b, losses = fit(inputs, targets)
# plot_decision_boundary(inputs, W, b)
# ```


# %%
def plot_decision_boundary(inputs, W, b):
    """예측한 클래스로 색을 칠한 점과 결정 경계 직선을 그린 matplotlib Figure를 반환합니다."""
    points = np.asarray(inputs, dtype=np.float32)
    predictions = model(points, W, b)
    predicted_class = np.asarray(predictions[:, 0] > 0.5)
    slope, intercept = decision_boundary(W, b)
    x = np.linspace(points[:, 0].min(), points[:, 0].max(), 100)
    figure = Figure(figsize=(6, 5))
    ax = figure.add_subplot()
    ax.scatter(points[:, 0], points[:, 1], c=predicted_class, cmap="coolwarm", s=8)
    ax.plot(x, slope * x + intercept, "-r", label="w1*x + w2*y + b = 0.5")
    ax.set_ylim(points[:, 1].min() - 0.5, points[:, 1].max() + 0.5)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("Linear classifier: predicted classes and decision boundary")
    ax.legend(loc="upper right")
    return figure


# %% [markdown]
# 노트북에서는 반환된 `Figure`가 셀 출력으로 바로 그려집니다. 스크립트로 실행한다면
# `plot_decision_boundary(inputs, W, b).savefig("boundary.png")`처럼 파일로 저장해 보세요.

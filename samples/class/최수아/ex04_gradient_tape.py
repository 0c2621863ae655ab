# %% [markdown]
# # 연습문제 4 · 그레이디언트 테이프 (코드 3-10, 3-11)
#
# 넘파이로는 값을 계산할 수만 있지만, 텐서플로는 계산한 식을 **미분**할 수도 있습니다. 그 일을
# 맡는 것이 `tf.GradientTape`입니다. `with tf.GradientTape() as tape:` 블록 안에서 실행한 연산은
# 테이프에 녹음되고, 블록이 끝난 뒤 `tape.gradient(결과, 입력)`을 부르면 녹음된 연산을 거꾸로
# 따라가며(역전파) 입력에 대한 결과의 그레이디언트를 돌려줍니다.
#
# 이 연습에서 구현할 것:
#
# | 함수 | 하는 일 |
# |---|---|
# | `grad_square_of_variable(v)` | 변수 `v`에 대한 `v²`의 그레이디언트 |
# | `grad_square_of_constant(x)` | 상수 텐서 `x`에 대한 `x²`의 그레이디언트 (`tape.watch` 필요) |
# | `gradient(f, x)` | 아무 미분 가능한 함수 `f`에 대해 `x`에서의 df/dx |

# %%
import tensorflow as tf

# %% [markdown]
# ## 변수의 그레이디언트 (코드 3-10)
#
# 가장 흔한 쓰임새는 모델의 가중치(변수)에 대한 손실의 그레이디언트를 구하는 것입니다. 먼저
# 테이프를 열고 그 안에서 결과를 계산한 다음, 블록 밖에서 `tape.gradient`를 호출합니다.
# 훈련 가능한 `tf.Variable`은 테이프가 알아서 지켜보므로 따로 할 일이 없습니다.
#
# `v`가 여러 원소를 가진 텐서여도 괜찮습니다. 제곱은 원소별 연산이라 결과도 `v`와 같은 shape이고,
# `tape.gradient`는 결과의 모든 원소를 더한 값을 미분하므로 각 원소의 그레이디언트는 `2·v`가
# 됩니다. 돌려받는 값은 변수가 아니라 보통의 텐서입니다.


# %%
def grad_square_of_variable(v):
    """tf.Variable v에 대한 v²의 그레이디언트(= 2·v)를 GradientTape로 계산해 반환합니다."""
    with tf.GradientTape() as tape:
        result = tf.square(v)
    return tape.gradient(result, v)


# %% [markdown]
# ## 상수 텐서의 그레이디언트와 `tape.watch` (코드 3-11)
#
# 입력이 상수 텐서라면 이야기가 달라집니다. 테이프는 모든 텐서의 모든 연산을 기록하지 않습니다.
# 나중에 미분할지도 모르는 값을 전부 붙잡아 두면 메모리와 시간이 너무 많이 들기 때문입니다.
# 그래서 기본으로는 훈련 가능한 변수만 감시하고, 다른 텐서는 우리가 `tape.watch(x)`로 "이것도
# 지켜봐 달라"고 알려 주어야 합니다.
#
# `watch`를 빼먹어도 오류는 나지 않습니다. 대신 테이프가 `x`와 결과 사이의 연결을 모르기 때문에
# `tape.gradient`가 조용히 `None`을 돌려줍니다. 그레이디언트가 `None`이면 가장 먼저 이것을
# 의심하세요. `watch`는 결과를 계산하기 **전에**, 테이프 블록 안에서 호출해야 합니다.


# %%
def grad_square_of_constant(x):
    """상수 텐서 x에 대한 x²의 그레이디언트(= 2·x)를 tape.watch를 써서 계산해 반환합니다."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        result = tf.square(x)
    return tape.gradient(result, x)


# %% [markdown]
# ## 어떤 함수든 미분하기
#
# 테이프는 제곱만이 아니라 미분 가능한 텐서플로 연산이라면 무엇이든 거꾸로 따라갈 수 있습니다.
# 이번에는 함수 `f`를 인자로 받아, `x`에서 `f`의 그레이디언트를 계산하세요. 채점기는 여러분이
# 미리 알 수 없는 다양한 함수(다항식, 사인, 지수 함수 등)를 넘겨줍니다.
#
# `x`는 상수일 수도 있고 변수일 수도 있습니다. 변수에 `watch`를 한 번 더 불러도 해가 없으니,
# 언제나 `watch`를 부르면 두 경우를 모두 처리할 수 있습니다. `f(x)`가 여러 원소를 가진 텐서라면
# `tape.gradient`가 그 원소들의 합을 미분한다는 점도 기억해 두세요.


# %%
def gradient(f, x):
    """x(상수 또는 변수)에서 함수 f의 그레이디언트 df/dx를 반환합니다."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    return tape.gradient(y, x)

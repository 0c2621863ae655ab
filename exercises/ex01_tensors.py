# %% [markdown]
# # 연습문제 1 · 상수 텐서와 변수 (코드 3-1 ~ 3-5)
#
# 텐서플로로 무엇을 하든 가장 먼저 필요한 것은 **텐서**입니다. 텐서는 처음 값을 정해 주어야
# 만들 수 있습니다. 모든 원소가 1이나 0인 텐서로 시작할 수도 있고, 확률 분포에서 뽑은 랜덤한
# 값으로 채울 수도 있습니다.
#
# 이 연습에서 구현할 것:
#
# | 함수 | 하는 일 |
# |---|---|
# | `make_ones(shape)` / `make_zeros(shape)` | 1 또는 0으로 채운 float32 상수 텐서 |
# | `make_normal(shape, mean, stddev)` | 정규 분포에서 뽑은 랜덤 텐서 |
# | `make_uniform(shape, minval, maxval)` | 균등 분포에서 뽑은 랜덤 텐서 |
# | `numpy_set(x, index, value)` | 넘파이 배열의 원소 하나를 바꾸기 |
# | `TENSOR_ITEM_ASSIGNMENT_ERROR` | 텐서 원소에 값을 넣으려 할 때 생기는 예외 클래스 |
# | `make_variable(initial_value)` | 훈련 가능한 변수 만들기 |

# %%
import tensorflow as tf

# %% [markdown]
# ## 1과 0으로 채운 텐서 (코드 3-1)
#
# `tf.ones`와 `tf.zeros`는 원하는 shape을 받아 모든 원소가 1 또는 0인 텐서를 돌려줍니다.
# 이렇게 만든 텐서는 **상수**라서 만든 뒤에는 값이 바뀌지 않습니다. 기본 dtype은 float32입니다.


# %%
def make_ones(shape):
    """shape 크기의, 모든 원소가 1인 float32 상수 텐서를 반환합니다."""
    # 여기에 코드를 작성하세요
    raise NotImplementedError("여기에 코드를 작성하세요")


def make_zeros(shape):
    """shape 크기의, 모든 원소가 0인 float32 상수 텐서를 반환합니다."""
    # 여기에 코드를 작성하세요
    raise NotImplementedError("여기에 코드를 작성하세요")


# %% [markdown]
# ## 랜덤 텐서 (코드 3-2)
#
# 가중치의 처음 값은 보통 랜덤하게 정합니다. `tf.random.normal`은 평균(`mean`)과
# 표준 편차(`stddev`)를 정한 **정규 분포**에서, `tf.random.uniform`은 `[minval, maxval)` 구간의
# **균등 분포**에서 값을 뽑습니다. 호출할 때마다 다른 값이 나와야 하니 시드를 고정하지 마세요.


# %%
def make_normal(shape, mean=0.0, stddev=1.0):
    """평균 mean, 표준 편차 stddev인 정규 분포에서 뽑은 float32 텐서를 반환합니다."""
    # 여기에 코드를 작성하세요
    raise NotImplementedError("여기에 코드를 작성하세요")


def make_uniform(shape, minval=0.0, maxval=1.0):
    """[minval, maxval) 구간의 균등 분포에서 뽑은 float32 텐서를 반환합니다."""
    # 여기에 코드를 작성하세요
    raise NotImplementedError("여기에 코드를 작성하세요")


# %% [markdown]
# ## 넘파이 배열과 텐서플로 텐서의 차이 (코드 3-3, 3-4)
#
# 넘파이 배열은 인덱스로 원소를 골라 새 값을 넣을 수 있습니다. 반면 텐서플로 텐서는 상수라서
# `x[0, 0] = 0.`처럼 원소에 값을 넣으려고 하면 예외가 발생합니다. 어떤 예외인지 직접 실행해 보고,
# 그 **예외 클래스**를 `TENSOR_ITEM_ASSIGNMENT_ERROR`에 저장하세요 (문자열이 아니라 클래스 자체).


# %%
def numpy_set(x, index, value):
    """넘파이 배열 x의 x[index]를 value로 바꾸고(제자리 수정) x를 반환합니다."""
    # 여기에 코드를 작성하세요
    raise NotImplementedError("여기에 코드를 작성하세요")


# %%
TENSOR_ITEM_ASSIGNMENT_ERROR = None  # 여기에 코드를 작성하세요

# %% [markdown]
# ## 변수 만들기 (코드 3-5)
#
# 모델의 가중치처럼 훈련하면서 바뀌어야 하는 상태는 **변수**(`tf.Variable`)에 담습니다.
# 변수도 처음 값이 있어야 만들 수 있습니다. 변수는 기본적으로 훈련 가능(`trainable=True`)해서
# 그레이디언트 테이프가 자동으로 추적합니다.


# %%
def make_variable(initial_value):
    """initial_value를 처음 값으로 갖는 훈련 가능한 tf.Variable을 반환합니다."""
    # 여기에 코드를 작성하세요
    raise NotImplementedError("여기에 코드를 작성하세요")

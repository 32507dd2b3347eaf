import math
x=[[0.5,-1.0,2.0],[1.5,0.3,-0.7],[-0.2,0.8,1.1],[0.9,-1.3,0.4]]
lab=[0,3,1,2]
w1=[[0.3,-0.5,0.8,0.1,-0.2],[0.7,0.2,-0.4,0.6,0.5],[-0.3,0.9,0.05,-0.8,0.4]]
b1=[0.1,-0.2,0.05,0.0,0.3]
w2=[[0.2,-0.6,0.4,0.9,-0.1],[-0.5,0.3,0.7,-0.2,0.6],[0.8,0.1,-0.3,0.5,-0.7],[-0.4,0.5,0.2,-0.9,0.3]]
b2=[0.05,-0.1,0.2,0.0]
gelu=lambda v:0.5*v*(1+math.erf(v/math.sqrt(2)))
tot=0
for r in range(4):
  h=[gelu(sum(x[r][k]*w1[k][j] for k in range(3))+b1[j]) for j in range(5)]
  o=[sum(h[j]*w2[c][j] for j in range(5))+b2[c] for c in range(4)]
  m=max(o); lse=m+math.log(sum(math.exp(v-m) for v in o))
  tot+=lse-o[lab[r]]
print(repr(tot/4))
